"""The deadlines sweep: a review past its due time is marked overdue, the case with it.

A department being late is not a technical failure: the case stays in approval, the task
stays in the inbox (soonest due first, so on top), the case's timeline says who is late,
and the lead department and the centre are alerted. The warnings themselves (who is told,
how, and before the deadline too) come with the working-day clock. The workflow's wait
goes on until the case's bound (shared/stages/acceptance.py); only that ends the case.
"""

from dataclasses import dataclass, field
from datetime import datetime

from shared.errors import StageError
from shared.models.application import Application, Review, TimelineEvent
from shared.models.common import ApplicationStatus, Stage
from shared.ports.applications import ApplicationRepository
from shared.ports.tasks import TaskRepository
from shared.stages.common import SYSTEM, mutate

PAGE_SIZE = 100


@dataclass
class SweepReport:
    marked: list[Review] = field(default_factory=list)
    skipped: int = 0  # decided or withdrawn between the listing and the mark


def mark_overdue_reviews(
    now: datetime, cases: ApplicationRepository, tasks: TaskRepository
) -> SweepReport:
    """Every pending review whose due time passed and that is not yet marked. Marked
    reviews leave the list it reads, so a run reads only what fell due since the last."""
    report = SweepReport()
    cursor: str | None = None
    while True:
        page = tasks.list_tasks_by_status(now, PAGE_SIZE, cursor)
        for review in page.items:
            if _mark(review, now, cases, tasks):
                report.marked.append(review)
            else:
                report.skipped += 1
        cursor = page.next_cursor
        if cursor is None:
            return report


def _mark(
    review: Review, now: datetime, cases: ApplicationRepository, tasks: TaskRepository
) -> bool:
    # The case first (idempotent), then the task with its event: should the second write
    # fail, the task is still listed and the next run marks it, recording the event once.
    application = cases.get_application(review.application_id)
    if application is None or application.status is not ApplicationStatus.IN_APPROVAL:
        return False  # about to leave approval (failing, or decided and issued)
    if application.overdue_since is None:

        def late(case: Application) -> None:
            if case.status is not ApplicationStatus.IN_APPROVAL:
                raise StageError(f"{case.application_id} left approval while being marked late")
            case.overdue_since = case.overdue_since or now

        try:
            mutate(cases, review.application_id, late, loaded=application)
        except StageError:
            return False
    overdue = review.model_copy(update={"overdue_at": now})
    event = TimelineEvent(
        at=now,
        stage=Stage.APPROVAL,
        action="review_overdue",
        actor=SYSTEM,
        detail=(
            f"{review.department} ({review.role.value}) has not decided by "
            f"{review.due_at.isoformat()}; the lead department and the centre are alerted"
        ),
    )
    return tasks.mark_overdue(overdue, [event])
