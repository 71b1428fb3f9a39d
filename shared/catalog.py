"""The shipped service catalog (政务服务事项目录): the implementation list in
shared/data/catalog.json and its bundles (一件事) in shared/data/bundles.json, which
`make run` and a new deployment load."""

from functools import cache
from pathlib import Path

from shared.models.bundles import Bundle, checked_bundles
from shared.models.catalog import Catalog

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "catalog.json"
DEFAULT_BUNDLES_PATH = DEFAULT_CATALOG_PATH.with_name("bundles.json")


@cache
def load_catalog(path: Path | None = None) -> Catalog:
    """The validated catalog, read once per path. Callers must not mutate the result."""
    source = path or DEFAULT_CATALOG_PATH
    return Catalog.model_validate_json(source.read_text(encoding="utf-8"))


def load_bundles(catalog: Catalog, path: Path | None = None) -> list[Bundle]:
    """The bundles of `path` (the shipped ones by default), each checked against `catalog`;
    a ValueError listing every problem."""
    source = path or DEFAULT_BUNDLES_PATH
    return checked_bundles(source.read_text(encoding="utf-8"), catalog)
