"""The working-day clock on 2026's official calendar: the Mid-Autumn Festival (Friday 25
September), National Day (1-7 October, the 6th and 7th substituted days off) and the
adjusted working day Saturday 10 October."""

from datetime import UTC, datetime

import pytest

from shared.domain import clock as counting
from shared.domain.workdays import SHANGHAI
from shared.models.clock import CaseClock, ClockExtension, ClockPause
from shared.models.common import SpecialProcedureKind


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02}:00:00").replace(tzinfo=SHANGHAI)


def deadline_day(reading: counting.ClockReading) -> str:
    return reading.deadline_at.astimezone(SHANGHAI).date().isoformat()


def accepted(day: str = "2026-09-24", promised: int = 5, statutory: int = 15) -> CaseClock:
    # Thursday 24 September: the 25th is the Mid-Autumn Festival, counting starts on the 28th.
    return counting.start_clock(at(day), promised, statutory, departments=1)


def expert_review(started: str, ended: str | None = None, *, stops: bool = True) -> ClockPause:
    return ClockPause(
        pause_id="P1",
        kind="special_procedure",
        procedure=SpecialProcedureKind.EXPERT_REVIEW,
        department="HOUSING",
        reason="专家评审",
        stops_clock=stops,
        limit_days=20,
        started_at=at(started),
        started_by="officer",
        due_at=at("2026-12-31"),
        ended_at=at(ended, 16) if ended else None,
        ended_by="officer" if ended else None,
    )


def test_the_promised_limit_runs_over_national_day() -> None:
    # Given a case accepted on Thursday 24 September with 5 working days promised
    clock = accepted()

    # Then the days are 28, 29, 30 September, 8 and 9 October (1-7 October are off)
    promised = counting.promised(clock, at("2026-09-30"))
    assert deadline_day(promised) == "2026-10-09"
    assert promised.deadline_at.astimezone(SHANGHAI).time().isoformat() == "23:59:59"
    # And on the 30th two working days are left after today, over the whole holiday
    assert promised.remaining_working_days == 2
    assert counting.promised(clock, at("2026-10-09")).remaining_working_days == 0
    # And on Saturday the 10th (an adjusted working day) it is one working day late
    assert counting.promised(clock, at("2026-10-10")).remaining_working_days == -1
    assert counting.promised(clock, at("2026-10-11")).remaining_working_days == -1


def test_a_special_procedure_stops_the_clock_and_an_extension_moves_it_on() -> None:
    # Given the case above, whose expert review ran from Monday 28 September (counted)
    # to Friday 9 October: 29, 30 September, 8 and 9 October are not counted
    clock = accepted()
    clock.pauses.append(expert_review("2026-09-28"))

    # While it runs: one day was counted (the 28th), four remain, however long it waits
    during = counting.promised(clock, at("2026-10-08"))
    assert clock.is_paused and during.remaining_working_days == 4
    assert counting.promised(clock, at("2026-09-29")).remaining_working_days == 4
    # And its deadline moves a day later with each working day paused: 9, 10, 12, 13 October
    assert deadline_day(during) == "2026-10-13"

    # When it ends on the 9th
    clock.pauses[0] = expert_review("2026-09-28", "2026-10-09")

    # Then the clock runs from Saturday the 10th, an adjusted working day: 10, 12, 13, 14
    after = counting.promised(clock, at("2026-10-09"))
    assert not clock.is_paused
    assert after.remaining_working_days == 4 and deadline_day(after) == "2026-10-14"
    assert len(counting.paused_days(clock, at("2026-10-20"))) == 4

    # When the lead department extends it by 5 working days
    clock.extensions.append(
        ClockExtension(
            days=5,
            reason="需补充现场核查",
            department="HOUSING",
            granted_at=at("2026-10-12"),
            granted_by="lead",
        )
    )

    # Then both clocks move on by five counted days: 15, 16, 19, 20, 21 October
    extended = counting.promised(clock, at("2026-10-12"))
    assert deadline_day(extended) == "2026-10-21"
    assert extended.remaining_working_days == 7
    # And the statutory clock (15 days + 5) ends after the same pause
    assert deadline_day(counting.statutory(clock, at("2026-10-12"))) == "2026-11-04"


def test_a_procedure_that_counts_toward_the_limit_does_not_stop_the_clock() -> None:
    clock = accepted()
    clock.pauses.append(expert_review("2026-09-28", stops=False))

    assert not clock.is_paused
    assert deadline_day(counting.promised(clock, at("2026-09-29"))) == "2026-10-09"


def test_overlapping_pauses_count_a_day_once() -> None:
    clock = accepted()
    clock.pauses.append(expert_review("2026-09-28", "2026-09-30"))
    second = expert_review("2026-09-29", "2026-10-08").model_copy(
        update={"pause_id": "P2", "department": "FIRE"}
    )
    clock.pauses.append(second)

    # 29, 30 September and 8 October are covered (twice for the 30th): three days
    assert len(counting.paused_days(clock, at("2026-10-20"))) == 3


def test_a_joint_case_may_be_extended_by_fifteen_days() -> None:
    assert counting.start_clock(at("2026-09-24"), 5, 15, departments=3).max_extension_days == 15
    assert accepted().max_extension_days == 10


def test_an_immediate_item_is_due_the_day_it_is_accepted() -> None:
    clock = accepted(promised=0)
    assert deadline_day(counting.promised(clock, at("2026-09-24"))) == "2026-09-24"


def test_a_deadline_in_a_year_without_a_published_arrangement_is_provisional() -> None:
    assert counting.promised(accepted(), at("2026-09-30")).provisional is False
    late_in_the_year = accepted("2026-12-28", promised=10)
    assert counting.promised(late_in_the_year, at("2026-12-28")).provisional is True


def test_a_task_counts_its_own_days() -> None:
    due = datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)  # the 8th's last second in Shanghai
    assert counting.remaining_until(due, at("2026-09-30")) == 1


@pytest.mark.parametrize("started", ["2026-09-25", "2026-09-28"])
def test_a_pause_ended_the_day_it_started_costs_nothing(started: str) -> None:
    clock = accepted()
    clock.pauses.append(expert_review(started, started))
    assert deadline_day(counting.promised(clock, at("2026-09-30"))) == "2026-10-09"
