"""Stage 2, back-end approval: put one department's review in its inbox.

The Step Functions token is kept beside the review record; the decision API answers it.
Each department's review is its own record: opening one writes nothing else of the case.
"""

from typing import Any

from shared.domain.clock import warning_at
from shared.errors import StageError
from shared.models.application import Review
from shared.models.common import ApplicationStatus, ReviewRole, utc_now
from shared.models.ids import task_id_for
from shared.ports.applications import ApplicationRepository
from shared.ports.tasks import TaskRepository

DEFAULT_WARNING_DAYS = 2  # a case accepted before its clock was kept (the catalog's default)


def open_review(
    application_id: str,
    department: str,
    role: str,
    task_token: str,
    cases: ApplicationRepository,
    tasks: TaskRepository,
) -> dict[str, Any]:
    application = cases.get_application(application_id)
    if application is None or application.acceptance is None:
        raise StageError(f"application {application_id} has not been accepted")
    if application.status is not ApplicationStatus.IN_APPROVAL:
        raise StageError(f"application {application_id} is {application.status}, not IN_APPROVAL")
    planned = {a.department for a in application.acceptance.review_plan}
    if department not in planned:
        raise StageError(f"{department} is not in the review plan of {application_id}")
    due_at = application.acceptance.deadline_at
    assert due_at is not None
    clock = application.clock
    review = Review(
        task_id=task_id_for(application_id, department),
        application_id=application_id,
        item_id=application.item_id,
        department=department,
        role=ReviewRole(role),
        bundle_case_id=application.bundle_case_id,
        due_at=due_at,
        warn_at=warning_at(due_at, clock.warning_days if clock else DEFAULT_WARNING_DAYS),
        paused_since=utc_now() if clock and clock.is_paused else None,
        task_token=task_token,
    )
    # No timeline event: acceptance recorded who reviews, and the review records when it
    # reached the department (created_at); one write per department, no transaction.
    tasks.open_review(review)
    return {"taskId": review.task_id}
