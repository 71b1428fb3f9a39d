"""电子监察: the late tasks the centre's supervisors and the departments' leads watch."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import DESCRIPTIONS, FORBIDDEN, UNAVAILABLE, responses
from functions.api.dependencies import current_caller, repository
from shared import names
from shared.models.api import TaskPage, task_view
from shared.models.ids import DEPARTMENT_REGEX
from shared.services import supervision

router = APIGatewayRouter()


@router.get(
    names.resolver_path(names.SUPERVISION_OVERDUE),
    summary="Late tasks, the longest late first: every department's, or one department's",
    description=(
        "The centre's supervisors (group `supervisor`) list every department's tasks the "
        "deadlines sweep marked late, or one department's; a department's leads (group "
        "`lead-<department>`), to whom its late tasks escalate, list their department's."
    ),
    tags=["supervision"],
    responses=responses(
        errors={
            FORBIDDEN: "Neither a supervisor nor a lead of `department`",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def overdue(
    department: Annotated[str | None, Query(pattern=f"^{DEPARTMENT_REGEX}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> TaskPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = supervision.overdue_tasks(caller, department, limit, cursor, repository())
    return TaskPage(items=[task_view(r) for r in page.items], next_cursor=page.next_cursor)
