"""Who holds a task: claim and release, a lead's assignment, and an officer's delegation
while away (shared/services/holding.py)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import (
    CONFLICT,
    DESCRIPTIONS,
    FORBIDDEN,
    NOT_FOUND,
    UNAVAILABLE,
    responses,
)
from functions.api.dependencies import current_caller, repository
from shared import names
from shared.models.api import (
    AssignmentRequest,
    CurrentDelegation,
    DelegationEnded,
    DelegationRequest,
    TaskView,
    task_view,
)
from shared.models.application import Delegation
from shared.services import holding

router = APIGatewayRouter()
TaskIdPath = Annotated[str, Path(alias="taskId", max_length=60)]
HOLD_ERRORS = {
    FORBIDDEN: "The task is another department's (or, to release, another officer's)",
    NOT_FOUND: "No such task",
    CONFLICT: "The task is held by someone else, or no longer pending",
    UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
}


@router.post(
    names.resolver_path(names.TASK_CLAIM),
    summary="Claim a task of the caller's department: the others see who holds it",
    tags=["tasks"],
    responses=responses(errors=HOLD_ERRORS),
)
def claim(task_id: TaskIdPath) -> TaskView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return task_view(holding.claim(caller, task_id, repository()))


@router.post(
    names.resolver_path(names.TASK_RELEASE),
    summary="Release a held task (its holder, or a lead of the department)",
    tags=["tasks"],
    responses=responses(errors=HOLD_ERRORS),
)
def release(task_id: TaskIdPath) -> TaskView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return task_view(holding.release(caller, task_id, repository()))


@router.post(
    names.resolver_path(names.TASK_ASSIGNMENT),
    summary="A department lead assigns a task to a colleague (reassigning a held one)",
    tags=["tasks"],
    responses=responses(
        errors={**HOLD_ERRORS, FORBIDDEN: "The caller is not a lead of the task's department"}
    ),
)
def assign(task_id: TaskIdPath, request: AssignmentRequest) -> TaskView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return task_view(holding.assign(caller, task_id, request.assignee, repository()))


@router.post(
    names.resolver_path(names.DELEGATIONS),
    summary="Delegate the tasks the caller holds to a colleague until a date (replaces one)",
    tags=["tasks"],
    responses=responses(
        errors={FORBIDDEN: DESCRIPTIONS[FORBIDDEN], UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE]}
    ),
)
def delegate(request: DelegationRequest) -> Delegation:
    caller = current_caller(router)  # type: ignore[arg-type]
    return holding.delegate(
        caller, request.department, request.delegate, request.ends_at, request.reason, repository()
    )


@router.get(
    names.resolver_path(names.DELEGATION_CURRENT),
    summary="The caller's delegation in force",
    tags=["tasks"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def current_delegation() -> CurrentDelegation:
    caller = current_caller(router)  # type: ignore[arg-type]
    return CurrentDelegation(delegation=holding.current_delegation(caller, repository()))


@router.post(
    names.resolver_path(names.DELEGATION_END),
    summary="End the caller's delegation (back from leave)",
    tags=["tasks"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def end_delegation() -> DelegationEnded:
    caller = current_caller(router)  # type: ignore[arg-type]
    holding.end_delegation(caller, repository())
    return DelegationEnded()
