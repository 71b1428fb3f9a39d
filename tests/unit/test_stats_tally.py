"""The published figures' rules without AWS: what each change of a case or a review adds,
working days taken across the National Day holiday and its adjusted working day, less a
pause; a batch delivered again, and a tally that meets contention."""

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.clock import start_clock, working_days_used
from shared.domain.stats import CaseFacts, Tally, case_tally, rates, review_tally
from shared.errors import TransientError
from shared.models.application import Review
from shared.models.clock import CaseClock, ClockPause
from shared.models.common import ApplicationStatus, ReviewRole
from shared.stages.stats import tally_stream

ITEM = "SD-KFQ-0010"
# Wednesday 30 September 2026, 10:00 in Shanghai: 1-7 October are the National Day
# holiday, Saturday 10 October an adjusted working day.
ACCEPTED = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
MONDAY_12_OCTOBER = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
THURSDAY_8_OCTOBER = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
FRIDAY_9_OCTOBER = datetime(2026, 10, 9, 9, 0, tzinfo=UTC)


def clock(*pauses: ClockPause) -> CaseClock:
    started = start_clock(ACCEPTED, promised_days=3, statutory_days=20, departments=3)
    return started.model_copy(update={"pauses": list(pauses)})


def inspection(started: datetime, ended: datetime) -> ClockPause:
    return ClockPause(
        pause_id="P1",
        kind="special_procedure",
        procedure="inspection",
        department="WATER",
        reason="现场核查",
        limit_days=5,
        started_at=started,
        started_by="staff-water",
        due_at=started + timedelta(days=7),
        ended_at=ended,
        ended_by="staff-water",
    )


def header(status: ApplicationStatus, at: datetime, **fields: Any) -> CaseFacts:
    return CaseFacts(item_id=ITEM, status=status, updated_at=at, **fields)


def test_days_taken_skip_the_holiday_count_the_adjusted_saturday_leave_out_pauses() -> None:
    # 8, 9, 10 (the adjusted Saturday) and 12 October: the holiday and Sunday are not counted
    assert working_days_used(None, ACCEPTED, MONDAY_12_OCTOBER) == 4
    # An inspection from the 8th to the 9th covers the 9th (the 8th was already counted)
    paused = clock(inspection(THURSDAY_8_OCTOBER, FRIDAY_9_OCTOBER))
    assert working_days_used(paused, ACCEPTED, MONDAY_12_OCTOBER) == 3
    assert working_days_used(None, MONDAY_12_OCTOBER, ACCEPTED) == 0


def test_acceptance_and_refusal_count_once_and_an_unrelated_write_counts_nothing() -> None:
    submitted = header(ApplicationStatus.SUBMITTED, ACCEPTED)
    in_approval = header(ApplicationStatus.IN_APPROVAL, ACCEPTED, clock=clock())
    accepted = case_tally(submitted, in_approval)
    assert accepted == Tally("item", ITEM, "2026-09", {"accepted": 1}, {})
    assert case_tally(in_approval, in_approval.model_copy(update={"updated_at": ACCEPTED})) is None
    refused = case_tally(submitted, header(ApplicationStatus.NOT_ACCEPTED, ACCEPTED))
    assert refused is not None and refused.counts == {"notAccepted": 1}
    assert case_tally(None, header(ApplicationStatus.DRAFT, ACCEPTED)) is None


def test_a_decision_after_the_promised_limit_is_late_and_a_pause_moves_the_limit() -> None:
    # Promised 3 working days from 30 September: 8, 9 and 10 October; decided on the 12th
    in_approval = header(ApplicationStatus.IN_APPROVAL, ACCEPTED, clock=clock())
    issued = in_approval.model_copy(
        update={"status": ApplicationStatus.ISSUED, "updated_at": MONDAY_12_OCTOBER}
    )
    late = case_tally(in_approval, issued)
    assert late is not None and late.month == "2026-10"
    assert late.counts == {
        "concluded": 1,
        "approved": 1,
        "onTime": 0,
        "timed": 1,
        "workingDays": 4,
    }
    # With the 9th paused the limit ends on the 12th: on time, three days taken
    paused = clock(inspection(THURSDAY_8_OCTOBER, FRIDAY_9_OCTOBER))
    rejected = case_tally(
        in_approval.model_copy(update={"clock": paused}),
        issued.model_copy(update={"clock": paused, "status": ApplicationStatus.REJECTED}),
    )
    assert rejected is not None
    assert (rejected.counts["rejected"], rejected.counts["onTime"]) == (1, 1)
    assert rejected.counts["workingDays"] == 3


def test_overdue_now_rises_once_and_falls_when_the_case_leaves_approval() -> None:
    in_approval = header(ApplicationStatus.IN_APPROVAL, ACCEPTED, clock=clock())
    late = in_approval.model_copy(update={"overdue_since": MONDAY_12_OCTOBER})
    rising = case_tally(in_approval, late)
    assert rising is not None and (rising.counts, rising.gauges) == ({}, {"overdueNow": 1})
    assert case_tally(late, late.model_copy(update={"updated_at": MONDAY_12_OCTOBER})) is None
    decided = late.model_copy(update={"status": ApplicationStatus.ISSUED})
    falling = case_tally(late, decided)
    assert falling is not None and falling.gauges == {"overdueNow": -1}
    assert falling.counts["concluded"] == 1


def review(**fields: Any) -> Review:
    base: dict[str, Any] = {
        "task_id": "01M8VH64TVTJQZS594YR3WQM3J-WATER",
        "application_id": "01M8VH64TVTJQZS594YR3WQM3J",
        "item_id": ITEM,
        "department": "WATER",
        "role": ReviewRole.CO,
        "due_at": datetime(2026, 10, 10, 15, 59, 59, tzinfo=UTC),
        "created_at": ACCEPTED,
    }
    return Review(**(base | fields))


def test_a_departments_decision_counts_its_days_and_its_lateness_once() -> None:
    pending = review()
    overdue = review(overdue_at=datetime(2026, 10, 10, 16, 0, tzinfo=UTC))
    marked = review_tally(pending, overdue, None)
    assert marked is not None and marked.gauges == {"overdueNow": 1} and not marked.counts
    decided = overdue.model_copy(
        update={"status": "REJECTED", "decided_at": MONDAY_12_OCTOBER, "decided_by": "w"}
    )
    tally = review_tally(overdue, decided, clock())
    assert tally is not None
    assert tally.counts == {
        "decided": 1,
        "rejected": 1,
        "onTime": 0,
        "timed": 1,
        "workingDays": 4,
    }
    assert tally.gauges == {"overdueNow": -1} and tally.month == "2026-10"
    # Written again after the decision (a comment's fix): nothing more
    assert review_tally(decided, decided.model_copy(update={"comment": "x"}), clock()) is None


def test_the_rates_are_given_only_once_something_was_timed() -> None:
    assert rates({}) == (None, None)
    assert rates({"timed": 3, "onTime": 2, "workingDays": 10}) == (0.6667, 3.3)


class MemoryLedger:
    def __init__(self, contended: set[str] = frozenset()) -> None:
        self.tallied: dict[str, Tally] = {}
        self.contended = set(contended)

    def apply(self, event_id: str, tally: Tally) -> bool:
        if event_id in self.contended:
            self.contended.discard(event_id)
            raise TransientError("transaction cancelled: TransactionConflict")
        if event_id in self.tallied:
            return False
        self.tallied[event_id] = tally
        return True


class NoClocks:
    def case_clock(self, application_id: str) -> CaseClock | None:
        return None


def stream_record(number: int, sk: str, before: Any, after: Any) -> dict[str, Any]:
    def image(model: Any) -> dict[str, Any] | None:
        return {"doc": {"S": model.model_dump_json(by_alias=True)}} if model else None

    data: dict[str, Any] = {
        "Keys": {"PK": {"S": "APP#01M8VH64TVTJQZS594YR3WQM3J"}, "SK": {"S": sk}},
        "SequenceNumber": str(number),
    }
    for name, model in (("OldImage", before), ("NewImage", after)):
        if model is not None:
            data[name] = image(model)
    return {"eventID": f"event-{number}", "eventName": "MODIFY", "dynamodb": data}


def batch() -> list[dict[str, Any]]:
    submitted = header(ApplicationStatus.SUBMITTED, ACCEPTED)
    in_approval = header(ApplicationStatus.IN_APPROVAL, ACCEPTED, clock=clock())
    decided = review(status="APPROVED", decided_at=THURSDAY_8_OCTOBER, decided_by="w")
    return [
        stream_record(1, "HEADER", submitted, in_approval),
        stream_record(2, "FORM", submitted, submitted),  # not a record the figures read
        stream_record(3, "REVIEW#WATER", review(), decided),
    ]


def test_a_batch_delivered_again_adds_nothing_twice() -> None:
    ledger = MemoryLedger()
    first = tally_stream(batch(), ledger, NoClocks())
    assert (first["added"], first["repeated"], first["batchItemFailures"]) == (2, 0, [])
    again = tally_stream(batch(), ledger, NoClocks())
    assert (again["added"], again["repeated"]) == (0, 2)
    assert ledger.tallied["event-3"].counts["decided"] == 1


def test_a_contended_tally_stops_the_batch_there_and_the_retry_adds_the_rest_once() -> None:
    ledger = MemoryLedger(contended={"event-3"})
    stopped = tally_stream(batch(), ledger, NoClocks())
    assert stopped["batchItemFailures"] == [{"itemIdentifier": "3"}]
    assert list(ledger.tallied) == ["event-1"]
    retried = tally_stream(batch()[2:], ledger, NoClocks())  # Lambda retries from record 3
    assert (retried["added"], retried["batchItemFailures"]) == (1, [])
