"""Department staff's routes: the inbox, the case's materials, and decisions, which answer
Step Functions tokens."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import (
    CONFLICT,
    DESCRIPTIONS,
    FORBIDDEN,
    NOT_FOUND,
    UNAVAILABLE,
    responses,
)
from functions.api.dependencies import current_caller, documents, repository, workflow
from shared import names
from shared.models.api import (
    DecisionRequest,
    DecisionResponse,
    MaterialList,
    TaskDetail,
    TaskPage,
    task_detail_view,
    task_view,
)
from shared.models.ids import DEPARTMENT_REGEX
from shared.services import tasks
from shared.settings import get_settings

router = APIGatewayRouter()
TaskIdPath = Annotated[str, Path(alias="taskId", max_length=60)]


@router.get(
    names.resolver_path(names.TASKS),
    summary="Pending reviews of the caller's department, soonest due first",
    tags=["tasks"],
    responses=responses(
        errors={
            FORBIDDEN: "The caller is not department staff, or not of `department`",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def inbox(
    department: Annotated[str | None, Query(pattern=f"^{DEPARTMENT_REGEX}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> TaskPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = tasks.pending_tasks(caller, department, limit, cursor, repository())
    return TaskPage(items=[task_view(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    names.resolver_path(names.TASK),
    summary="A task of the caller's department, with its case and every review so far",
    tags=["tasks"],
    responses=responses(
        errors={
            FORBIDDEN: "The task is another department's",
            NOT_FOUND: "No such task",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def task(task_id: TaskIdPath) -> TaskDetail:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    review, application = tasks.task_detail(caller, task_id, repo, repo)
    return task_detail_view(review, application)


@router.get(
    names.resolver_path(names.TASK_MATERIALS),
    summary="The case's materials, with download links, for the reviewing department",
    tags=["tasks"],
    responses=responses(errors=(FORBIDDEN, NOT_FOUND, UNAVAILABLE)),
)
def materials(task_id: TaskIdPath) -> MaterialList:
    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().download_url_ttl_seconds
    repo = repository()
    return MaterialList(items=tasks.task_materials(caller, task_id, repo, repo, documents(), ttl))


@router.post(
    names.resolver_path(names.TASK_DECISION),
    summary="Approve or reject a pending review",
    tags=["tasks"],
    responses=responses(
        errors={
            FORBIDDEN: "The task is another department's",
            NOT_FOUND: "No such task",
            CONFLICT: "The task was already decided or expired, or its case moved on",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def decide(task_id: TaskIdPath, request: DecisionRequest) -> DecisionResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    review = tasks.decide(caller, task_id, request, repo, repo, workflow())
    assert review.decision is not None
    return DecisionResponse(
        task_id=review.task_id,
        application_id=review.application_id,
        decision=review.decision,
        status=review.task_status,
    )
