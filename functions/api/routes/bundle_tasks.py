"""同类事项合并审批: a department's one task across a bundle filing, and its decisions, item
by item. Department staff only; a bundle the department reviews nothing of is a 404."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import DESCRIPTIONS, FORBIDDEN, NOT_FOUND, UNAVAILABLE, responses
from functions.api.dependencies import current_caller, repository, workflow
from shared import names
from shared.models.api import BatchDecisionResponse
from shared.models.bundle_cases import BundleDecisionRequest, BundleTaskView
from shared.models.ids import DEPARTMENT_REGEX

router = APIGatewayRouter()
BundleCaseId = Annotated[str, Path(alias="bundleCaseId", max_length=40)]
_NOT_FOUND = "No submitted bundle application with an item for the department"


@router.get(
    names.resolver_path(names.BUNDLE_TASK),
    summary="One department's task across a bundle filing (同类事项合并审批)",
    description=(
        "Every member of the bundle whose item the department reviews, with its task (None "
        "until the member's wave reaches the department) and the member's status; "
        "`pending` counts the items waiting for the department now. `department` when the "
        "officer is staff of more than one. Inbox rows (`GET /tasks`) of a member carry "
        "its `bundleCaseId`."
    ),
    tags=["tasks"],
    responses=responses(
        errors={
            FORBIDDEN: "The caller is not department staff, or not of `department`",
            NOT_FOUND: _NOT_FOUND,
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def bundle_task(
    bundle_case_id: BundleCaseId,
    department: Annotated[str | None, Query(pattern=f"^{DEPARTMENT_REGEX}$")] = None,
) -> BundleTaskView:
    from shared.services import bundle_tasks

    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return bundle_tasks.bundle_task(caller, bundle_case_id, department, repo, repo, repo)


@router.post(
    names.resolver_path(names.BUNDLE_TASK_DECISION),
    summary="Decide each item of a department's bundle task",
    description=(
        "One decision per item (`itemId`, `decision`, `comment`), each made as "
        "`POST /tasks/{taskId}/decision` makes it on that member's task: one refused (not "
        "reached the department yet: 404; decided already: 409; a rejection without its "
        "reasons: 422) is listed with its status and error and never blocks the others. An "
        "item not in the bundle: 422 naming `decisions.<n>.itemId`."
    ),
    tags=["tasks"],
    responses=responses(
        errors={
            FORBIDDEN: "The caller is not department staff, or not of `department`",
            NOT_FOUND: "No such submitted bundle application",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def decide_bundle_task(
    bundle_case_id: BundleCaseId, request: Annotated[BundleDecisionRequest, Body()]
) -> BatchDecisionResponse:
    from shared.services import bundle_tasks

    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return bundle_tasks.decide_bundle_task(caller, bundle_case_id, request, repo, repo, workflow())
