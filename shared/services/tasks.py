"""Department staff's use cases: the inbox of pending reviews, a case's materials, and
deciding a review."""

import contextlib

from pydantic import ValidationError

from shared.acting import on_behalf_of
from shared.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import (
    BatchDecisionItem,
    BatchDecisionOutcome,
    BatchDecisionRequest,
    BatchDecisionResponse,
    DecisionRequest,
    ErrorBody,
    FieldError,
    MaterialView,
)
from shared.models.application import Application, Review, TimelineEvent
from shared.models.common import ApplicationStatus, ReviewDecision, Stage, utc_now
from shared.ports.applications import ApplicationRepository
from shared.ports.documents import DocumentStore
from shared.ports.page import Page
from shared.ports.tasks import TaskRepository
from shared.ports.workflow import Workflow
from shared.services.department_tasks import own_department, own_department_task
from shared.services.holding import may_decide


def pending_tasks(
    caller: Caller, department: str | None, limit: int, cursor: str | None, tasks: TaskRepository
) -> Page[Review]:
    chosen = own_department(caller, department, "a task inbox")
    return tasks.list_pending_tasks(chosen, limit, cursor)


def decide(
    caller: Caller,
    task_id: str,
    request: DecisionRequest,
    tasks: TaskRepository,
    cases: ApplicationRepository,
    workflow: Workflow,
) -> Review:
    """Records the decision on the department's own review record (nothing else of the
    case is written, so departments deciding at once never contend), then answers the
    token. The case must still be in approval; a case that fails also withdraws its
    pending reviews before it leaves approval, so no decision lands on a closed case."""
    review = own_department_task(caller, task_id, tasks)
    if review.decision is not None:
        if review.decided_by == caller.username and review.decision == request.decision:
            # The same decision again (a client retry): make sure the workflow heard it. The
            # token may be already answered: that is fine.
            if review.task_token:
                with contextlib.suppress(Conflict):
                    workflow.succeed(review.task_token, _token_output(review))
            return review
        raise Conflict(f"task {task_id} was already decided", field="taskId")
    if review.status != "PENDING":
        raise Conflict(f"task {task_id} is {review.status}", field="taskId")
    now = utc_now()
    if not may_decide(caller, review, tasks, now):
        raise Conflict(
            f"task {task_id} is held by {review.claimed_by}: they, their delegate or a lead "
            "decide it",
            field="taskId",
        )
    status = cases.get_status(review.application_id)
    if status is not ApplicationStatus.IN_APPROVAL:
        # e.g. FAILED after a review wait timed out: nothing may be recorded on it any more.
        raise Conflict(f"the case of task {task_id} is {status}", field="taskId")

    approved = request.decision is ReviewDecision.APPROVE
    on_behalf = review.claimed_by if review.claimed_by not in (None, caller.username) else None
    review.status = "APPROVED" if approved else "REJECTED"
    review.comment, review.decided_at, review.decided_by = request.comment, now, caller.username
    event = TimelineEvent(
        at=now,
        stage=Stage.APPROVAL,
        action="approved" if approved else "rejected",
        actor=caller.username,
        detail=f"{review.department}{_behalf(on_behalf)}: {request.comment}".rstrip(": "),
    )
    # Record first (the claim), then answer the token: issuance must find every decision.
    with on_behalf_of(on_behalf):
        tasks.decide_review(review, [event])
    workflow.succeed(review.task_token, _token_output(review))
    return review


def _behalf(holder: str | None) -> str:
    return f" (on behalf of {holder}, who held it)" if holder else ""


def task_detail(
    caller: Caller, task_id: str, tasks: TaskRepository, cases: ApplicationRepository
) -> tuple[Review, Application]:
    """A task of the caller's department with its case, whatever the task's state (an
    officer may look back at what was decided)."""
    review = own_department_task(caller, task_id, tasks)
    application = cases.get_application(review.application_id)
    if application is None:
        raise NotFound(f"the case of task {task_id} is gone", field="taskId")
    return review, application


def task_materials(
    caller: Caller,
    task_id: str,
    tasks: TaskRepository,
    cases: ApplicationRepository,
    store: DocumentStore,
    ttl: int,
) -> list[MaterialView]:
    """The case's materials for the department reviewing it: short-lived download links."""
    review = own_department_task(caller, task_id, tasks)
    application = cases.get_application(review.application_id)
    if application is None:
        raise NotFound(f"the case of task {task_id} is gone", field="taskId")
    return material_views(application, store, ttl)


def material_views(application: Application, store: DocumentStore, ttl: int) -> list[MaterialView]:
    """A case's materials for staff who read them: short-lived links to the S3 version
    that was submitted (none for a material not in S3)."""
    return [
        MaterialView(
            code=m.code,
            file_name=m.file_name,
            content_type=m.content_type,
            size=m.verified_size,
            verified_at=m.verified_at,
            download_url=store.presigned_download(m.s3_key, ttl, m.file_name, m.verified_version_id)
            if m.verified_at
            else None,
            original_checked_by=m.original_checked_by,
            original_checked_at=m.original_checked_at,
            reused_from=m.reused_from,
            certificate_no=m.certificate_no,
        )
        for m in application.materials.values()
    ]


def _token_output(review: Review) -> dict[str, str]:
    decision = review.decision
    return {"department": review.department, "decision": decision.value if decision else ""}


def decide_many(
    caller: Caller,
    request: BatchDecisionRequest,
    tasks: TaskRepository,
    cases: ApplicationRepository,
    workflow: Workflow,
) -> BatchDecisionResponse:
    """Each decision of the batch as `decide` makes it, one after the other: a refusal
    (another department's task, one already decided, a rejection without reasons) is that
    decision's outcome and the rest go on. A dependency outage is not a refusal: it ends
    the batch with a 503, the decisions before it made (each is idempotent to retry)."""
    if not caller.departments:
        raise Forbidden("only department staff decide tasks", field="decisions")
    results = [_decide_one(caller, item, tasks, cases, workflow) for item in request.decisions]
    failed = sum(1 for r in results if r.error is not None)
    return BatchDecisionResponse(results=results, succeeded=len(results) - failed, failed=failed)


def _decide_one(
    caller: Caller,
    item: BatchDecisionItem,
    tasks: TaskRepository,
    cases: ApplicationRepository,
    workflow: Workflow,
) -> BatchDecisionOutcome:
    try:
        request = DecisionRequest(decision=item.decision, comment=item.comment)
    except ValidationError as invalid:
        message = invalid.errors()[0]["msg"]
        return _refused(item.task_id, ValidationFailed(message, field="comment"))
    try:
        review = decide(caller, item.task_id, request, tasks, cases, workflow)
    except DomainError as refused:
        return _refused(item.task_id, refused)
    return BatchDecisionOutcome(
        task_id=item.task_id,
        status=200,
        decision=review.decision,
        task_status=review.task_status,
    )


def _refused(task_id: str, error: DomainError) -> BatchDecisionOutcome:
    return BatchDecisionOutcome(
        task_id=task_id,
        status=error.status_code,
        error=ErrorBody(
            error=error.code,
            message=error.message,
            fields=[FieldError(field=f, message=m) for f, m in error.fields],
        ),
    )
