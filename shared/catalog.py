"""The shipped service catalog (政务服务事项目录): the implementation list in
shared/data/catalog.json that `make run` and a new deployment load."""

from functools import cache
from pathlib import Path

from shared.models.catalog import Catalog

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "catalog.json"


@cache
def load_catalog(path: Path | None = None) -> Catalog:
    """The validated catalog, read once per path. Callers must not mutate the result."""
    source = path or DEFAULT_CATALOG_PATH
    return Catalog.model_validate_json(source.read_text(encoding="utf-8"))
