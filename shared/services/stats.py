"""Public use cases: the published figures per item and per department, a page at a time,
named from the current catalog (an item or department no longer listed keeps its code)."""

from collections.abc import Iterable

from shared.domain.catalog_search import CatalogIndex
from shared.domain.stats import ALL_TIME, rates
from shared.models.catalog import Department
from shared.models.stats import (
    DepartmentFigures,
    DepartmentFiguresPage,
    ItemFigures,
    ItemFiguresPage,
)
from shared.ports.stats import StatsLedger, StatsRow


def _timing(row: StatsRow) -> dict[str, object]:
    on_time_rate, average = rates(row.counters)
    overdue = max(0, row.counters.get("overdueNow", 0)) if row.period == ALL_TIME else None
    return {
        "on_time": row.counters.get("onTime", 0),
        "on_time_rate": on_time_rate,
        "average_working_days": average,
        "overdue_now": overdue,
        "updated_at": row.updated_at,
    }


def _counts(row: StatsRow, names: Iterable[tuple[str, str]]) -> dict[str, int]:
    return {field: row.counters.get(counter, 0) for field, counter in names}


_ITEM_COUNTS = (
    ("accepted", "accepted"),
    ("not_accepted", "notAccepted"),
    ("concluded", "concluded"),
    ("approved", "approved"),
    ("rejected", "rejected"),
)
_DEPARTMENT_COUNTS = (("decided", "decided"), ("approved", "approved"), ("rejected", "rejected"))


def item_figures(
    period: str, limit: int, cursor: str | None, ledger: StatsLedger, catalog: CatalogIndex
) -> ItemFiguresPage:
    page = ledger.rows("item", period, limit, cursor)
    items = []
    for row in page.items:
        entry = catalog.entry(row.key) or {}
        items.append(
            ItemFigures(
                item_id=row.key,
                name_zh=str(entry.get("nameZh", "")),
                name_en=str(entry.get("nameEn", "")),
                lead_department=str(entry.get("leadDepartment", "")),
                **_counts(row, _ITEM_COUNTS),
                **_timing(row),  # type: ignore[arg-type]
            )
        )
    return ItemFiguresPage(period=period, items=items, next_cursor=page.next_cursor)


def department_figures(
    period: str,
    limit: int,
    cursor: str | None,
    ledger: StatsLedger,
    departments: list[Department],
) -> DepartmentFiguresPage:
    page = ledger.rows("department", period, limit, cursor)
    named = {d.code: d for d in departments}
    items = []
    for row in page.items:
        department = named.get(row.key)
        items.append(
            DepartmentFigures(
                department=row.key,
                name_zh=department.name_zh if department else "",
                name_en=department.name_en if department else "",
                **_counts(row, _DEPARTMENT_COUNTS),
                **_timing(row),  # type: ignore[arg-type]
            )
        )
    return DepartmentFiguresPage(period=period, items=items, next_cursor=page.next_cursor)
