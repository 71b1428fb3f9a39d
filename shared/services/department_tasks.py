"""The one rule every department action on a task starts from: the task exists and is the
caller's department's (and, for an action that changes it, still pending); and the
department a list of tasks is for: the one asked for, which must be the caller's, or their
first."""

from shared.errors import Conflict, Forbidden, NotFound
from shared.identity import Caller
from shared.models.application import Review
from shared.ports.tasks import TaskRepository


def own_department_task(caller: Caller, task_id: str, tasks: TaskRepository) -> Review:
    review = tasks.get_task(task_id)
    if review is None:
        raise NotFound(f"task {task_id} not found", field="taskId")
    if not caller.in_department(review.department):
        raise Forbidden(f"task {task_id} belongs to department {review.department}", field="taskId")
    return review


def own_pending_task(caller: Caller, task_id: str, tasks: TaskRepository) -> Review:
    review = own_department_task(caller, task_id, tasks)
    if review.status != "PENDING":
        raise Conflict(f"task {task_id} is {review.task_status}", field="taskId")
    return review


def own_department(caller: Caller, department: str | None, what: str) -> str:
    """The department of the caller's `what` (their inbox, a bundle task): the one asked
    for when they are its staff, else their first; only department staff have one."""
    if not caller.departments:
        raise Forbidden(f"only department staff have {what}", field="department")
    chosen = department or caller.departments[0]
    if not caller.in_department(chosen):
        raise Forbidden(f"you are not staff of department {chosen}", field="department")
    return chosen
