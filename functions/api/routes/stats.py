"""Public figures: per item and per department, for all time or one month; no token
needed. Read from counters the stats function keeps (a page of rows per request),
never by reading cases."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import UNAVAILABLE, responses
from functions.api.dependencies import catalog_index, repository, stats_ledger
from shared import names
from shared.models.stats import PERIOD_PATTERN, DepartmentFiguresPage, ItemFiguresPage
from shared.services import stats

router = APIGatewayRouter()
PeriodQuery = Annotated[
    str,
    Query(
        pattern=PERIOD_PATTERN,
        description="`all` (the default), or one month as YYYY-MM (Beijing time)",
    ),
]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]
_HOW = (
    "Counted as cases move (from the table's stream), so a change shows here within "
    "seconds. On time: decided within the promised limit (承诺时限), with pauses and an "
    "extension counted as the law does; average working days leave the pauses out. "
    "`overdueNow` is a current figure, given for `all` only."
)


@router.get(
    names.resolver_path(names.STATS_ITEMS),
    summary="Published figures per service item",
    description=(
        "Per item with cases: accepted, not accepted, concluded (approved or rejected), "
        "on time, the on-time rate, average working days taken, overdue now; by item id. " + _HOW
    ),
    tags=["stats"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def item_figures(
    period: PeriodQuery = "all",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ItemFiguresPage:
    return stats.item_figures(period, limit, cursor, stats_ledger(), catalog_index().current())


@router.get(
    names.resolver_path(names.STATS_DEPARTMENTS),
    summary="Published figures per department",
    description=(
        "Per department, of its reviews: decided (approved or rejected), on time (by the "
        "task's due time), the on-time rate, average working days from arrival to "
        "decision, overdue now; by department code. " + _HOW
    ),
    tags=["stats"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def department_figures(
    period: PeriodQuery = "all",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DepartmentFiguresPage:
    departments = repository().get_departments()
    return stats.department_figures(period, limit, cursor, stats_ledger(), departments)
