"""The window queue (前台受理): window clerks accept, return or refuse the complete cases
whose item needs a person (shared/services/window.py)."""

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
    MaterialList,
    WindowDecisionRequest,
    WindowTaskDetail,
    WindowTaskPage,
    case_for_review,
)
from shared.models.application import ClerkDecision
from shared.services import window
from shared.settings import get_settings

router = APIGatewayRouter()
TaskIdPath = Annotated[str, Path(alias="taskId", max_length=40)]
CLERKS_ONLY = {FORBIDDEN: "The caller is not a window clerk (group `window`)"}


@router.get(
    names.resolver_path(names.WINDOW_TASKS),
    summary="The window queue: complete cases whose item needs a person, longest waiting first",
    tags=["window"],
    responses=responses(errors={**CLERKS_ONLY, UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE]}),
)
def queue(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> WindowTaskPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = window.queue(caller, limit, cursor, repository())
    return WindowTaskPage(
        items=[window.window_task_view(s) for s in page.items], next_cursor=page.next_cursor
    )


@router.get(
    names.resolver_path(names.WINDOW_TASK),
    summary="A case in the window queue: who applied, what they filed, why a clerk decides",
    tags=["window"],
    responses=responses(
        errors={
            **CLERKS_ONLY,
            NOT_FOUND: "No such case waits at the window",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def task(task_id: TaskIdPath) -> WindowTaskDetail:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    case, reason = window.window_case(caller, task_id, repo, repo)
    return WindowTaskDetail(
        task=window.window_task_view(case),
        application=case_for_review(case),
        reason=reason,
        clerk_decision=case.clerk_decision,
    )


@router.get(
    names.resolver_path(names.WINDOW_TASK_MATERIALS),
    summary="The case's materials, with download links, for the window clerk",
    tags=["window"],
    responses=responses(
        errors={
            **CLERKS_ONLY,
            NOT_FOUND: "No such case waits at the window",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def materials(task_id: TaskIdPath) -> MaterialList:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    ttl = get_settings().download_url_ttl_seconds
    return MaterialList(
        items=window.window_materials(caller, task_id, repo, repo, documents(), ttl)
    )


@router.post(
    names.resolver_path(names.WINDOW_TASK_DECISION),
    summary="Accept, return for supplement (the one-time notice) or not accept, with reasons",
    tags=["window"],
    responses=responses(
        errors={
            **CLERKS_ONLY,
            NOT_FOUND: "No such case waits at the window",
            CONFLICT: "Another clerk decided it first, or it no longer waits",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def decide(task_id: TaskIdPath, request: WindowDecisionRequest) -> ClerkDecision:
    caller = current_caller(router)  # type: ignore[arg-type]
    return window.decide(caller, task_id, request, repository(), workflow())
