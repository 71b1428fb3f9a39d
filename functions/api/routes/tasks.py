"""Department staff's routes: the inbox, the case's materials, and decisions, which answer
Step Functions tokens."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.dependencies import current_caller, documents, repository, workflow
from shared.models.api import DecisionRequest, DecisionResponse, PageResponse, TaskView
from shared.services import tasks
from shared.settings import get_settings

router = APIGatewayRouter()


@router.get(
    "/tasks",
    summary="Pending reviews of the caller's department, soonest due first",
    tags=["tasks"],
)
def inbox(
    department: Annotated[str | None, Query(pattern=r"^[A-Z][A-Z0-9]{1,15}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> PageResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = tasks.pending_tasks(caller, department, limit, cursor, repository())
    fields = set(TaskView.model_fields)
    views = [
        TaskView.model_validate(t.model_dump(include=fields)).model_dump(by_alias=True, mode="json")
        for t in page.items
    ]
    return PageResponse(items=views, next_cursor=page.next_cursor)


@router.get(
    "/tasks/<taskId>/materials",
    summary="The case's materials, with download links, for the reviewing department",
    tags=["tasks"],
)
def materials(task_id: Annotated[str, Path(alias="taskId", max_length=60)]) -> PageResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().download_url_ttl_seconds
    found = tasks.task_materials(caller, task_id, repository(), documents(), ttl)
    return PageResponse(items=[m.model_dump(by_alias=True, mode="json") for m in found])


@router.post(
    "/tasks/<taskId>/decision", summary="Approve or reject a pending review", tags=["tasks"]
)
def decide(
    task_id: Annotated[str, Path(alias="taskId", max_length=60)], request: DecisionRequest
) -> DecisionResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    task = tasks.decide(caller, task_id, request, repository(), workflow())
    assert task.decision is not None
    return DecisionResponse(
        task_id=task.task_id,
        application_id=task.application_id,
        decision=task.decision,
        status=task.status,
    )
