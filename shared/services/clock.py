"""What departments do to a case's clock: a reviewing department starts and ends one of the
item's special procedures (§45, not counted in the limit), and the lead department grants
the one extension the law allows (§42), each with its reason on the case's timeline.

Each change is saved with the case's pending reviews retimed (their due time is the case's
promised deadline) in one write; a review decided meanwhile or the header saved first
makes it reload and apply again. Repeating the same request (a client's retry) changes
nothing and answers the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from shared.domain import clock as counting
from shared.domain.workdays import add_working_days
from shared.errors import ConcurrentUpdate, Conflict, Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import (
    ExtensionRequest,
    SpecialProcedureEndRequest,
    SpecialProcedureRequest,
    SupplementRequest,
)
from shared.models.application import Application, Review
from shared.models.clock import MAX_PAUSES, CaseClock, ClockExtension, ClockPause
from shared.models.common import (
    ApplicationStatus,
    ReviewRole,
    SpecialProcedureKind,
    Stage,
    utc_now,
)
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.tasks import TaskRepository
from shared.services.department_tasks import own_pending_task

if TYPE_CHECKING:
    from shared.models.catalog import SpecialProcedure

_ATTEMPTS = 3
# What the change did: True when it changed something (else it was a repeat).
Change = Callable[[Application, CaseClock, datetime], bool]


def start_special_procedure(
    caller: Caller,
    task_id: str,
    request: SpecialProcedureRequest,
    tasks: TaskRepository,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> Application:
    review = own_pending_task(caller, task_id, tasks)

    def start(case: Application, clock: CaseClock, now: datetime) -> bool:
        mine = [
            p
            for p in clock.pauses
            if p.is_open and p.kind == "special_procedure" and p.department == review.department
        ]
        if any(p.procedure is request.kind for p in mine):
            return False
        if mine:
            raise Conflict(
                f"{review.department}'s {mine[0].procedure} ({mine[0].pause_id}) is "
                "still open: end it before starting another",
                field="kind",
            )
        spec = _procedure_of_item(case, request, catalog)
        if len(clock.pauses) >= MAX_PAUSES:
            raise Conflict(f"a case has at most {MAX_PAUSES} special procedures", field="kind")
        pause = ClockPause(
            pause_id=clock.next_pause_id(),
            kind="special_procedure",
            procedure=request.kind,
            department=review.department,
            reason=request.reason,
            stops_clock=not spec.counts_toward_limit,
            limit_days=spec.limit_days,
            started_at=now,
            started_by=caller.username,
            due_at=add_working_days(now, spec.limit_days),
        )
        clock.pauses.append(pause)
        counted = (
            "counted in the time limit"
            if spec.counts_toward_limit
            else "not counted in the time limit (§45 of the licensing law)"
        )
        case.record(
            Stage.APPROVAL,
            "special_procedure_started",
            caller.username,
            f"{review.department}: {spec.name_en} ({pause.pause_id}), up to {spec.limit_days} "
            f"working days, {counted}: {request.reason}",
        )
        return True

    return _change_clock(review, start, tasks, cases)


def end_special_procedure(
    caller: Caller,
    task_id: str,
    pause_id: str,
    request: SpecialProcedureEndRequest,
    tasks: TaskRepository,
    cases: ApplicationRepository,
) -> Application:
    review = own_pending_task(caller, task_id, tasks)

    def end(case: Application, clock: CaseClock, now: datetime) -> bool:
        pause = clock.pause(pause_id)
        if pause is None or pause.kind != "special_procedure":
            raise NotFound(f"the case has no special procedure {pause_id}", field="procedureId")
        if pause.department != review.department:
            raise Forbidden(
                f"{pause_id} is {pause.department}'s procedure: only it ends it",
                field="procedureId",
            )
        if not pause.is_open:
            if pause.ended_by == caller.username and pause.outcome == request.outcome:
                return False
            raise Conflict(f"{pause_id} ended on {pause.ended_at}", field="procedureId")
        pause.ended_at, pause.ended_by, pause.outcome = now, caller.username, request.outcome
        case.record(
            Stage.APPROVAL,
            "special_procedure_ended",
            caller.username,
            f"{review.department}: {pause.procedure} ({pause_id}) ended: {request.outcome}",
        )
        return True

    return _change_clock(review, end, tasks, cases)


def request_supplement(
    caller: Caller,
    task_id: str,
    request: SupplementRequest,
    wait_days: int,
    tasks: TaskRepository,
    cases: ApplicationRepository,
) -> Application:
    """退回补正 mid-approval: the department's one-time list goes to the applicant, the
    clocks stop until the applicant resubmits (POST /applications/{id}/submit), and every
    department's review stays as it is, decided or pending."""
    review = own_pending_task(caller, task_id, tasks)

    def ask(case: Application, clock: CaseClock, now: datetime) -> bool:
        open_request = clock.open_supplement
        if open_request is not None:
            if open_request.department == review.department and open_request.missing == (
                request.missing
            ):
                return False
            raise Conflict(
                f"{open_request.department} already asked for a supplement "
                f"({open_request.pause_id}); it is answered first",
                field="missing",
            )
        if len(clock.pauses) >= MAX_PAUSES:
            raise Conflict(f"a case stops its clock at most {MAX_PAUSES} times", field="missing")
        pause = ClockPause(
            pause_id=clock.next_pause_id(),
            kind="supplement",
            missing=request.missing,
            department=review.department,
            reason="; ".join(f"{m.field}: {m.reason}" for m in request.missing)[:1000],
            limit_days=wait_days,
            started_at=now,
            started_by=caller.username,
            due_at=add_working_days(now, wait_days),
        )
        clock.pauses.append(pause)
        case.record(
            Stage.APPROVAL,
            "supplement_requested",
            caller.username,
            f"{review.department} asks for a supplement ({pause.pause_id}), within "
            f"{wait_days} working days; the time limits stop until it comes: {pause.reason}",
        )
        return True

    return _change_clock(review, ask, tasks, cases)


def supplement_in_approval(
    caller: Caller, case: Application, tasks: TaskRepository, cases: ApplicationRepository
) -> Application:
    """The applicant's resubmission of what a department asked for mid-approval: the
    request closes and the clocks run again. The materials are noted by the caller first."""
    assert case.clock is not None
    for _ in range(_ATTEMPTS):
        clock = case.clock
        assert clock is not None
        pause = clock.open_supplement
        if pause is None:
            return case  # a retry after it closed
        now = utc_now()
        pause.ended_at, pause.ended_by, pause.outcome = now, caller.username, "supplemented"
        case.record(
            Stage.APPROVAL,
            "supplemented",
            caller.username,
            f"supplement {pause.pause_id} for {pause.department} received; the time limits run",
        )
        pending = retime(case, now)
        try:
            tasks.save_clock(case, pending)
        except ConcurrentUpdate:
            reloaded = cases.get_application(case.application_id)
            if reloaded is None or reloaded.clock is None:
                raise
            case = reloaded
            continue
        return case
    raise ConcurrentUpdate("the case kept changing; retry", field="applicationId")


def grant_extension(
    caller: Caller,
    task_id: str,
    request: ExtensionRequest,
    tasks: TaskRepository,
    cases: ApplicationRepository,
) -> Application:
    review = own_pending_task(caller, task_id, tasks)
    if review.role is not ReviewRole.LEAD:
        raise Forbidden("only the lead department grants an extension", field="taskId")

    def extend(case: Application, clock: CaseClock, now: datetime) -> bool:
        if clock.extensions:
            granted = clock.extensions[0]
            if (granted.days, granted.reason, granted.granted_by) == (
                request.days,
                request.reason,
                caller.username,
            ):
                return False
            raise Conflict(
                f"the case was extended on {granted.granted_at.date()}: the law allows one "
                "extension",
                field="days",
            )
        if request.days > clock.max_extension_days:
            raise ValidationFailed(
                f"at most {clock.max_extension_days} working days for this case (§42)",
                field="days",
            )
        statutory = counting.statutory(clock, now)
        if statutory.remaining_working_days < 0:
            raise Conflict(
                f"the statutory limit ended on {statutory.deadline_at.date()}: an extension "
                "is granted within it",
                field="days",
            )
        clock.extensions.append(
            ClockExtension(
                days=request.days,
                reason=request.reason,
                department=review.department,
                granted_at=now,
                granted_by=caller.username,
            )
        )
        case.record(
            Stage.APPROVAL,
            "extended",
            caller.username,
            f"{review.department}: both time limits extended by {request.days} working days: "
            f"{request.reason}",
        )
        return True

    return _change_clock(review, extend, tasks, cases)


def retime(case: Application, now: datetime) -> list[Review]:
    """Sets the case's stored deadlines from its clock and its pending reviews' due time
    with them; returns the pending reviews (to save with the header)."""
    clock, acceptance = case.clock, case.acceptance
    assert clock is not None and acceptance is not None
    promised = counting.promised(clock, now)
    acceptance.deadline_at = promised.deadline_at
    acceptance.statutory_deadline_at = counting.statutory(clock, now).deadline_at
    late = promised.remaining_working_days < 0
    pending = [r for r in case.reviews.values() if r.status == "PENDING"]
    warn_at = counting.warning_at(promised.deadline_at, clock.warning_days)
    for review in pending:
        review.due_at, review.warn_at = promised.deadline_at, warn_at
        review.paused_since = (review.paused_since or now) if clock.is_paused else None
        # An extension can make a late review timely again, or no longer due soon.
        if not late:
            review.overdue_at = None
        if warn_at > now:
            review.warned_at = None
    if not late and not any(r.overdue_at for r in pending):
        case.overdue_since = None
    return pending


def _change_clock(
    review: Review, change: Change, tasks: TaskRepository, cases: ApplicationRepository
) -> Application:
    for _ in range(_ATTEMPTS):
        case = _case_in_approval(review, cases)
        assert case.clock is not None
        now = utc_now()
        if not change(case, case.clock, now):
            return case
        pending = retime(case, now)
        try:
            tasks.save_clock(case, pending)
        except ConcurrentUpdate:
            continue
        return case
    raise ConcurrentUpdate("the case kept changing; retry", field="taskId")


def _case_in_approval(review: Review, cases: ApplicationRepository) -> Application:
    case = cases.get_application(review.application_id)
    if case is None:
        raise NotFound(f"the case of task {review.task_id} is gone", field="taskId")
    if case.status is not ApplicationStatus.IN_APPROVAL:
        raise Conflict(f"the case is {case.status.value}, not in approval", field="taskId")
    if case.clock is None or case.acceptance is None:
        raise Conflict("the case was accepted before clocks were kept", field="taskId")
    if case.reviews.get(review.department, review).status != "PENDING":
        raise Conflict(f"task {review.task_id} was decided meanwhile", field="taskId")
    return case


def _procedure_of_item(
    case: Application, request: SpecialProcedureRequest, catalog: CatalogRepository
) -> SpecialProcedure:
    item = catalog.get_catalog_item(case.item_id, case.item_version)
    if item is None:
        raise NotFound(f"catalog item {case.item_id} is gone", field="kind")
    listed: dict[SpecialProcedureKind, SpecialProcedure] = {}
    for procedure in item.special_procedures:  # an item listing a kind twice: the first
        listed.setdefault(procedure.kind, procedure)
    if request.kind not in listed:
        offered = ", ".join(k.value for k in listed) or "none"
        raise ValidationFailed(
            f"{item.item_id} has no {request.kind.value} procedure (it lists: {offered})",
            field="kind",
        )
    return listed[request.kind]
