"""The service catalog (政务服务事项目录): loading it and making it searchable."""

from functools import cache
from pathlib import Path

from shared.models.catalog import Catalog, CatalogItem

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "catalog.json"


@cache
def load_catalog(path: Path | None = None) -> Catalog:
    """The validated catalog, read once per path. Callers must not mutate the result."""
    source = path or DEFAULT_CATALOG_PATH
    return Catalog.model_validate_json(source.read_text(encoding="utf-8"))


def catalog_search_text(item: CatalogItem) -> str:
    """Lower-cased text a free-text search matches against: id, names, type, departments."""
    parts = [item.item_id, item.name_zh, item.name_en, item.item_type.value, *item.departments]
    return " ".join(parts).lower()
