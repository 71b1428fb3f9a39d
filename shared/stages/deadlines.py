"""The deadlines sweep (电子监察): a yellow warning when a review's promised deadline is
some working days away (the item's `warning_days`, 2 by default), a red one once it has
passed, the case marked late with it.

A department being late is not a technical failure: the case stays in approval, the task
stays in the inbox (soonest due first, so on top), the case's timeline says who is late,
the task escalates to the department's leads and the centre's supervisors list it
(GET /supervision/overdue). The workflow's wait goes on until the case's bound
(shared/stages/acceptance.py); only that ends the case. Each run reads only what became
due since the last: a review moves from the list of tasks to warn to the list of warned
tasks to the list of late ones, and a review whose clock is stopped is in none of them.
Telling people (SMS, email) comes with the notifications issue; the handler logs each
warning and counts it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.clock import remaining_until
from shared.errors import StageError
from shared.models.application import Application, Review, TimelineEvent
from shared.models.common import ApplicationStatus, Stage
from shared.ports.applications import ApplicationRepository
from shared.ports.tasks import TaskRepository
from shared.stages.common import SYSTEM, mutate

PAGE_SIZE = 100


@dataclass
class SweepReport:
    marked: list[Review] = field(default_factory=list)  # red: late
    warned: list[Review] = field(default_factory=list)  # yellow: due soon
    skipped: int = 0  # decided or withdrawn between the listing and the mark


def sweep_deadlines(
    now: datetime, cases: ApplicationRepository, tasks: TaskRepository
) -> SweepReport:
    """Warns every review whose warning is due, then marks late every warned review past
    its deadline (one already late when first seen gets both, in that order)."""
    report = SweepReport()
    _warn_reviews(now, tasks, report)
    _mark_overdue_reviews(now, cases, tasks, report)
    return report


def _warn_reviews(now: datetime, tasks: TaskRepository, report: SweepReport) -> None:
    cursor: str | None = None
    while True:
        page = tasks.list_tasks_by_status(now, PAGE_SIZE, cursor)
        for review in page.items:
            # No read of the case: a review is pending only while its case is in approval.
            if tasks.mark_warned(*_warned(review, now)):
                report.warned.append(review)
            else:
                report.skipped += 1
        cursor = page.next_cursor
        if cursor is None:
            return


def _mark_overdue_reviews(
    now: datetime, cases: ApplicationRepository, tasks: TaskRepository, report: SweepReport
) -> None:
    cursor: str | None = None
    while True:
        page = tasks.list_warned_tasks(now, PAGE_SIZE, cursor)
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
            return


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
            f"{review.due_at.isoformat()}; escalated to its leads, the lead department and "
            "the centre are alerted"
        ),
    )
    return review.model_copy(update={"overdue_at": now, "warned_at": review.warned_at or now}), [
        event
    ]


def _warned(review: Review, now: datetime) -> tuple[Review, list[TimelineEvent]]:
    """The review warned (yellow), and the event that says whose deadline is near."""
    left = remaining_until(review.due_at, now)
    event = TimelineEvent(
        at=now,
        stage=Stage.APPROVAL,
        action="deadline_warning",
        actor=SYSTEM,
        detail=(
            f"{review.department} ({review.role.value}): {max(left, 0)} working days left "
            f"before the promised deadline {review.due_at.isoformat()}"
        ),
    )
    return review.model_copy(update={"warned_at": now}), [event]
