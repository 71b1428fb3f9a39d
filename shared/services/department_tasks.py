"""The one rule every department action on a task starts from: the task exists and is the
caller's department's (and, for an action that changes it, still pending)."""

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
