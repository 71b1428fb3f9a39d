"""Who holds a department's task: an officer claims it (the others see who) and releases
it; a department lead assigns it to a colleague; an officer away delegates the tasks they
hold to a colleague for a period. Only the holder, their delegate while it lasts, or a lead
decides a held task (shared/services/tasks.py asks `may_decide`).

Names are the callers' user names as the ID token gives them. Whether an assignee or a
delegate is staff of the department is not checked against the user pool here (it would
give the API function a Cognito client and its permissions): a task assigned to someone
who is not can be released or reassigned by the department's leads.
"""

from datetime import datetime, timedelta

from shared.errors import Conflict, Forbidden, ValidationFailed
from shared.identity import Caller
from shared.models.application import Delegation, Review
from shared.models.common import utc_now
from shared.ports.tasks import TaskRepository
from shared.services.department_tasks import own_pending_task

MAX_DELEGATION = timedelta(days=90)


def claim(caller: Caller, task_id: str, tasks: TaskRepository) -> Review:
    review = own_pending_task(caller, task_id, tasks)
    if review.claimed_by == caller.username:
        return review  # a retry
    if review.claimed_by:
        raise Conflict(f"task {task_id} is held by {review.claimed_by}", field="taskId")
    return _hold(review, caller.username, None, tasks)


def release(caller: Caller, task_id: str, tasks: TaskRepository) -> Review:
    review = own_pending_task(caller, task_id, tasks)
    if review.claimed_by is None:
        return review
    if review.claimed_by != caller.username and not caller.leads(review.department):
        raise Forbidden(
            f"task {task_id} is held by {review.claimed_by}: they or a lead release it",
            field="taskId",
        )
    return _hold(review, None, None, tasks)


def assign(caller: Caller, task_id: str, assignee: str, tasks: TaskRepository) -> Review:
    review = own_pending_task(caller, task_id, tasks)
    if not caller.leads(review.department):
        raise Forbidden(f"only a lead of {review.department} assigns its tasks", field="taskId")
    if review.claimed_by == assignee:
        return review
    return _hold(review, assignee, caller.username, tasks)


def may_decide(caller: Caller, review: Review, tasks: TaskRepository, now: datetime) -> bool:
    """An unheld task: any officer of the department; a held one: its holder, their
    delegate while the delegation lasts, or a lead."""
    holder = review.claimed_by
    if holder is None or holder == caller.username or caller.leads(review.department):
        return True
    delegation = tasks.get_delegation(holder)
    return (
        delegation is not None
        and delegation.delegate == caller.username
        and delegation.department == review.department
        and delegation.covers(now)
    )


def delegate(
    caller: Caller,
    department: str,
    delegate_to: str,
    ends_at: datetime,
    reason: str,
    tasks: TaskRepository,
) -> Delegation:
    if not caller.in_department(department):
        raise Forbidden(f"you are not staff of department {department}", field="department")
    if delegate_to == caller.username:
        raise ValidationFailed("delegate to a colleague, not to yourself", field="delegate")
    now = utc_now()
    if not now < ends_at <= now + MAX_DELEGATION:
        raise ValidationFailed(
            f"a delegation ends after now and within {MAX_DELEGATION.days} days", field="endsAt"
        )
    delegation = Delegation(
        officer=caller.username,
        delegate=delegate_to,
        department=department,
        starts_at=now,
        ends_at=ends_at,
        reason=reason,
    )
    tasks.put_delegation(delegation)
    return delegation


def current_delegation(caller: Caller, tasks: TaskRepository) -> Delegation | None:
    delegation = tasks.get_delegation(caller.username)
    return delegation if delegation is not None and delegation.covers(utc_now()) else None


def end_delegation(caller: Caller, tasks: TaskRepository) -> None:
    tasks.end_delegation(caller.username)


def _hold(
    review: Review, holder: str | None, assigned_by: str | None, tasks: TaskRepository
) -> Review:
    expected = review.claimed_by
    review.claimed_by, review.assigned_by = holder, assigned_by
    review.claimed_at = utc_now() if holder else None
    tasks.hold_task(review, expected)
    return review
