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
        by_case: dict[str, list[Review]] = {}
        for review in page.items:
            by_case.setdefault(review.application_id, []).append(review)
        for application_id, reviews in by_case.items():
            # One read (and at most one write) of a case however many of its reviews are late.
            in_approval = _mark_case(application_id, now, cases)
            for review in reviews:
                if in_approval and tasks.mark_overdue(*_overdue(review, now)):
                    report.marked.append(review)
                else:
                    report.skipped += 1
        cursor = page.next_cursor
        if cursor is None:
            return report


def _mark_case(application_id: str, now: datetime, cases: ApplicationRepository) -> bool:
    """Marks the case late (idempotent) and says whether it is still in approval. The case
    goes first, then each task with its event: should a task's write fail, the task is
    still listed and the next run marks it, recording the event once."""
    application = cases.get_application(application_id)
    if application is None or application.status is not ApplicationStatus.IN_APPROVAL:
        return False  # about to leave approval (failing, or decided and issued)
    if application.overdue_since is not None:
        return True

    def late(case: Application) -> None:
        if case.status is not ApplicationStatus.IN_APPROVAL:
            raise StageError(f"{case.application_id} left approval while being marked late")
        case.overdue_since = case.overdue_since or now

    try:
        mutate(cases, application_id, late, loaded=application)
    except StageError:
        return False
    return True


def _overdue(review: Review, now: datetime) -> tuple[Review, list[TimelineEvent]]:
    """The review marked late, and the event that says who is late."""
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
    return review.model_copy(update={"overdue_at": now}), [event]
