"""Department staff's use cases: the inbox of pending reviews, a case's materials, and
deciding a review."""

import contextlib
import re

from shared.adapters.documents import DocumentStore
from shared.adapters.pagination import Page
from shared.adapters.repository import Repository
from shared.adapters.workflow import Workflow
from shared.errors import Conflict, Forbidden, NotFound
from shared.identity import Caller
from shared.models.api import DecisionRequest, MaterialView
from shared.models.application import Application, ReviewTask
from shared.models.common import ApplicationStatus, ReviewDecision, Stage, utc_now


def pending_tasks(
    caller: Caller, department: str | None, limit: int, cursor: str | None, repo: Repository
) -> Page[ReviewTask]:
    if not caller.departments:
        raise Forbidden("only department staff have a task inbox", field="department")
    department = department or caller.departments[0]
    if not caller.in_department(department):
        raise Forbidden(f"you are not staff of department {department}", field="department")
    return repo.list_pending_tasks(department, limit, cursor)


_ATTEMPTS = 3


def decide(
    caller: Caller, task_id: str, request: DecisionRequest, repo: Repository, workflow: Workflow
) -> ReviewTask:
    task = _own_department_task(caller, task_id, repo)
    if task.status == "DECIDED":
        if task.decided_by == caller.username and task.decision == request.decision:
            # The same decision again (a client retry): make sure the workflow heard it. The
            # token may be gone (consumed with the decision) or already answered: both are fine.
            if task.task_token:
                with contextlib.suppress(Conflict):
                    workflow.succeed(task.task_token, _token_output(task))
            return task
        raise Conflict(f"task {task_id} was already decided", field="taskId")
    if task.status != "PENDING":
        raise Conflict(f"task {task_id} is {task.status}", field="taskId")

    # Two departments deciding the same case at once both change it: the loser of the
    # optimistic lock reapplies its decision to the fresh case instead of answering 409.
    for _ in range(_ATTEMPTS):
        application = _decidable_case(task, repo)
        _apply_decision(caller, task, application, request)
        try:
            # Record first (the claim), then answer the token: issuance must find every
            # decision.
            repo.decide_task(task, application)
        except Conflict:
            fresh = repo.get_task(task_id)
            if fresh is None or fresh.status != "PENDING":
                raise
            task = fresh
            continue
        workflow.succeed(task.task_token, _token_output(task))
        return task
    raise Conflict("the case kept changing while deciding; retry", field="taskId")


def _decidable_case(task: ReviewTask, repo: Repository) -> Application:
    application = repo.get_application(task.application_id)
    if application is None or task.department not in application.reviews:
        raise NotFound(f"the case of task {task.task_id} is gone", field="taskId")
    if application.status is not ApplicationStatus.IN_APPROVAL:
        # e.g. FAILED after a review wait timed out: nothing may be recorded on it any more.
        raise Conflict(f"the case of task {task.task_id} is {application.status}", field="taskId")
    return application


def _apply_decision(
    caller: Caller, task: ReviewTask, application: Application, request: DecisionRequest
) -> None:
    now = utc_now()
    approved = request.decision is ReviewDecision.APPROVE
    task.status, task.decision, task.comment = "DECIDED", request.decision, request.comment
    task.decided_by, task.decided_at = caller.username, now
    review = application.reviews[task.department]
    review.status = "APPROVED" if approved else "REJECTED"
    review.comment, review.decided_at, review.decided_by = request.comment, now, caller.username
    application.record(
        Stage.APPROVAL,
        "approved" if approved else "rejected",
        caller.username,
        f"{task.department}: {request.comment}".rstrip(": "),
    )


def _own_department_task(caller: Caller, task_id: str, repo: Repository) -> ReviewTask:
    task = repo.get_task(task_id) if re.fullmatch(r"[0-9A-Z]{26}-[A-Z0-9]{2,16}", task_id) else None
    if task is None:
        raise NotFound(f"task {task_id} not found", field="taskId")
    if not caller.in_department(task.department):
        raise Forbidden(f"task {task_id} belongs to department {task.department}", field="taskId")
    return task


def task_materials(
    caller: Caller, task_id: str, repo: Repository, store: DocumentStore, ttl: int
) -> list[MaterialView]:
    """The case's materials for the department reviewing it: short-lived download links."""
    task = _own_department_task(caller, task_id, repo)
    application = repo.get_application(task.application_id)
    if application is None:
        raise NotFound(f"the case of task {task_id} is gone", field="taskId")
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
        )
        for m in application.materials.values()
    ]


def _token_output(task: ReviewTask) -> dict[str, str]:
    return {"department": task.department, "decision": task.decision.value if task.decision else ""}
