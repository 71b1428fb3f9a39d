"""Catalogs of any size for the search tests and benchmarks: the shipped list, then copies
of its items under new ids and codes until the wanted count (a real zone's 654, or 2,000),
so every item is a valid one with real names, materials and departments."""

from shared.catalog import load_catalog
from shared.models.catalog import Catalog, CatalogItem


def scaled_catalog(size: int) -> Catalog:
    shipped = load_catalog()
    if size <= len(shipped.items):
        return Catalog.model_construct(departments=shipped.departments, items=shipped.items[:size])
    credit = {d.code: d.credit_code for d in shipped.departments}
    items = list(shipped.items)
    for n in range(size - len(shipped.items)):
        source = shipped.items[n % len(shipped.items)]
        items.append(_copy_of(source, n, credit[source.implementing_department]))
    return Catalog.model_construct(departments=shipped.departments, items=items)


def _copy_of(source: CatalogItem, n: int, credit_code: str) -> CatalogItem:
    basic = f"{source.basic_code[:2]}9{n:07d}"
    return source.model_copy(
        update={
            "item_id": f"SX-{n:05d}",
            "basic_code": basic,
            "implementation_code": credit_code + basic,
            # A handling item (业务办理项) of the same item: new, change, renewal, ...
            "name_zh": f"{source.name_zh}（办理项{n + 1}）",
            "name_en": f"{source.name_en} (handling item {n + 1})",
        }
    )
