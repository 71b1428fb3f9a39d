"""Stage 2, back-end approval: put one department's review in its inbox.

The Step Functions token is kept in the task record; the decision API answers it.
"""

from typing import Any

from shared.adapters.repository import Repository
from shared.errors import StageError
from shared.models.application import Application, ReviewRecord, ReviewTask
from shared.models.common import ApplicationStatus, ReviewRole, Stage
from shared.stages.common import SYSTEM, mutate


def task_id_for(application_id: str, department: str) -> str:
    # One review per department per case: a retried invocation replaces, never duplicates.
    return f"{application_id}-{department}"


def open_review(
    application_id: str, department: str, role: str, task_token: str, repo: Repository
) -> dict[str, Any]:
    application = repo.get_application(application_id)
    if application is None or application.acceptance is None:
        raise StageError(f"application {application_id} has not been accepted")
    if application.status is not ApplicationStatus.IN_APPROVAL:
        raise StageError(f"application {application_id} is {application.status}, not IN_APPROVAL")
    due_at = application.acceptance.deadline_at
    assert due_at is not None
    task = ReviewTask(
        task_id=task_id_for(application_id, department),
        application_id=application_id,
        item_id=application.item_id,
        department=department,
        role=ReviewRole(role),
        due_at=due_at,
        task_token=task_token,
    )
    repo.save_task(task)

    def add_review(case: Application) -> None:
        case.reviews[department] = ReviewRecord(
            task_id=task.task_id, department=department, role=task.role, due_at=due_at
        )
        case.record(Stage.APPROVAL, "review_opened", SYSTEM, f"{department} ({role})")

    mutate(repo, application_id, add_review, loaded=application)
    return {"taskId": task.task_id}
