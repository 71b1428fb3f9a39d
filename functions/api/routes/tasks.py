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
    BatchDecisionRequest,
    BatchDecisionResponse,
    ClockView,
    DecisionRequest,
    DecisionResponse,
    ExtensionRequest,
    MaterialList,
    SpecialProcedureEndRequest,
    SpecialProcedureRequest,
    SupplementRequest,
    TaskDetail,
    TaskPage,
    clock_view,
    task_detail_view,
    task_view,
)
from shared.models.application import Application
from shared.models.common import utc_now
from shared.models.ids import DEPARTMENT_REGEX
from shared.services import clock, tasks
from shared.settings import get_settings

router = APIGatewayRouter()
TaskIdPath = Annotated[str, Path(alias="taskId", max_length=60)]
ProcedureIdPath = Annotated[str, Path(alias="procedureId", pattern=r"^P[1-9][0-9]{0,2}$")]


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


@router.post(
    names.resolver_path(names.TASK_DECISIONS),
    summary="Decide several selected tasks at once, each answered on its own",
    description=(
        "Up to 50 decisions, each as `POST /tasks/{taskId}/decision` would make it: one that "
        "is refused (another department's task, already decided, a rejection without its "
        "reasons) is listed with the status and error it would get, and never blocks the "
        "others. The answer lists each outcome in the request's order."
    ),
    tags=["tasks"],
    responses=responses(
        errors={
            FORBIDDEN: "The caller is not department staff",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def decide_batch(request: BatchDecisionRequest) -> BatchDecisionResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return tasks.decide_many(caller, request, repo, repo, workflow())


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


CLOCK_ERRORS = {
    FORBIDDEN: "The task is another department's",
    NOT_FOUND: "No such task",
    CONFLICT: "The task or its case is no longer pending, or the change conflicts with one made",
    UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
}


def _clock(application: Application) -> ClockView:
    assert application.clock is not None
    return clock_view(application.clock, utc_now())


@router.post(
    names.resolver_path(names.TASK_SPECIAL_PROCEDURES),
    summary="Start one of the item's special procedures (§45): the clock may stop",
    description=(
        "A hearing, testing, expert review, public notice... that the item lists, with its own "
        "limit; unless the catalog says it counts toward the limit, both clocks stop until it "
        "ends. One open procedure per department; the same request again changes nothing."
    ),
    tags=["tasks"],
    responses=responses(errors=CLOCK_ERRORS),
)
def start_special_procedure(task_id: TaskIdPath, request: SpecialProcedureRequest) -> ClockView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return _clock(clock.start_special_procedure(caller, task_id, request, repo, repo, repo))


@router.post(
    names.resolver_path(names.TASK_SPECIAL_PROCEDURE_END),
    summary="End the department's special procedure: the clock runs again",
    tags=["tasks"],
    responses=responses(
        errors={**CLOCK_ERRORS, NOT_FOUND: "No such task, or no such procedure on its case"}
    ),
)
def end_special_procedure(
    task_id: TaskIdPath, procedure_id: ProcedureIdPath, request: SpecialProcedureEndRequest
) -> ClockView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return _clock(clock.end_special_procedure(caller, task_id, procedure_id, request, repo, repo))


@router.post(
    names.resolver_path(names.TASK_EXTENSIONS),
    summary="Extend both time limits (延期, §42): the lead department, once, with a reason",
    tags=["tasks"],
    responses=responses(
        errors={
            **CLOCK_ERRORS,
            FORBIDDEN: "The task is another department's, or not the lead department's",
            CONFLICT: "Already extended, the statutory limit has passed, or the case moved on",
        }
    ),
)
def extend(task_id: TaskIdPath, request: ExtensionRequest) -> ClockView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return _clock(clock.grant_extension(caller, task_id, request, repo, repo))


@router.post(
    names.resolver_path(names.TASK_SUPPLEMENT_REQUEST),
    summary="Ask the applicant for a supplement mid-approval (退回补正): the clocks stop",
    description=(
        "The department's one-time list goes to the applicant, who uploads what it names and "
        "submits again (`POST /applications/{id}/submit`); until then both clocks stop and "
        "every department's review stays as it is. One open request per case; the same "
        "request again changes nothing."
    ),
    tags=["tasks"],
    responses=responses(errors=CLOCK_ERRORS),
)
def request_supplement(task_id: TaskIdPath, request: SupplementRequest) -> ClockView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    wait = get_settings().supplement_wait_days
    return _clock(clock.request_supplement(caller, task_id, request, wait, repo, repo))
