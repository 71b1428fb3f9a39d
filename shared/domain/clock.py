"""The working-day clock of a case: deadlines and remaining days from its history.

Counting follows administrative practice, a day at a time in Asia/Shanghai: the day of
acceptance does not count; each later working day counts once, unless a pause covers it. A
pause started on day S and ended on day E covers the working days after S up to and
including E (S was already counted, and the clock runs again from the day after E). An
open pause covers the days up to today, so while a case is paused its remaining days stay
where they were and its deadline moves a day later with each working day it waits.
Several departments' pauses may overlap: a day covered twice is not counted twice.

The deadline is the end (23:59:59 Shanghai) of the day on which the last working day of
the limit is counted; a deadline in a year whose official arrangement is not published yet
is provisional (workdays.is_year_covered).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shared.domain.workdays import (
    END_OF_DAY,
    SHANGHAI,
    is_working_day,
    is_year_covered,
    local_date,
)
from shared.models.clock import CaseClock

# §42: a decision within the limit may be extended once, by 10 days, or by 15 where
# several departments handle the case jointly (联合办理).
EXTENSION_DAYS = 10
JOINT_EXTENSION_DAYS = 15

# A case waits in approval at most about a year (the execution's lifetime): a walk over
# the calendar never needs to go further than this.
_HORIZON_DAYS = 800


@dataclass(frozen=True)
class ClockReading:
    """One clock (promised or statutory) as of `now`."""

    deadline_at: datetime
    remaining_working_days: int  # negative once the deadline has passed
    provisional: bool  # the deadline's year has no published arrangement yet


def start_clock(
    accepted_at: datetime,
    promised_days: int,
    statutory_days: int,
    departments: int,
    warning_days: int = 2,
) -> CaseClock:
    return CaseClock(
        started_at=accepted_at,
        promised_days=promised_days,
        statutory_days=statutory_days,
        max_extension_days=JOINT_EXTENSION_DAYS if departments > 1 else EXTENSION_DAYS,
        warning_days=warning_days,
    )


def warning_at(deadline_at: datetime, warning_days: int) -> datetime:
    """When the yellow warning is due: the start (00:00 Shanghai) of the day from which
    `warning_days` or fewer working days are left after it, e.g. with 2 days and a deadline
    on Friday, Wednesday (Thursday and Friday are left); with 0, the deadline's own day."""
    day = local_date(deadline_at)
    for _ in range(_HORIZON_DAYS):
        if warning_days == 0:
            break
        day -= timedelta(days=1)
        if is_working_day(day):
            warning_days -= 1
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI).astimezone(UTC)


def paused_days(clock: CaseClock, now: datetime) -> frozenset[date]:
    """The working days the clock's pauses cover, up to today."""
    today = local_date(now)
    covered: set[date] = set()
    for pause in clock.pauses:
        if not pause.stops_clock:
            continue
        first = local_date(pause.started_at) + timedelta(days=1)
        last = local_date(pause.ended_at) if pause.ended_at else today
        covered.update(
            first + timedelta(days=i)
            for i in range((last - first).days + 1)
            if is_working_day(first + timedelta(days=i))
        )
    return frozenset(covered)


def _counted(day: date, paused: frozenset[date]) -> bool:
    return is_working_day(day) and day not in paused


def _deadline_day(start: date, days: int, paused: frozenset[date]) -> date:
    day = start
    for _ in range(_HORIZON_DAYS):
        if days == 0:
            return day
        day += timedelta(days=1)
        if _counted(day, paused):
            days -= 1
    raise ValueError(f"a limit reaching beyond {_HORIZON_DAYS} days from {start}")


def _remaining(deadline: date, today: date, paused: frozenset[date]) -> int:
    """Counted days after today up to the deadline; negative: counted days since it."""
    if deadline >= today:
        span = range(1, (deadline - today).days + 1)
        return sum(_counted(today + timedelta(days=i), paused) for i in span)
    span = range(1, (today - deadline).days + 1)
    return -sum(_counted(deadline + timedelta(days=i), paused) for i in span)


def read(clock: CaseClock, days: int, now: datetime) -> ClockReading:
    """A limit of `days` working days (plus the extensions) as of `now`."""
    paused = paused_days(clock, now)
    deadline = _deadline_day(local_date(clock.started_at), days + clock.extension_days, paused)
    return ClockReading(
        deadline_at=datetime.combine(deadline, END_OF_DAY, tzinfo=SHANGHAI).astimezone(UTC),
        remaining_working_days=_remaining(deadline, local_date(now), paused),
        provisional=not is_year_covered(deadline.year),
    )


def promised(clock: CaseClock, now: datetime) -> ClockReading:
    return read(clock, clock.promised_days, now)


def statutory(clock: CaseClock, now: datetime) -> ClockReading:
    return read(clock, clock.statutory_days, now)


def remaining_until(deadline: datetime, now: datetime) -> int:
    """Working days left before `deadline` for a clock with no pause (a task's own)."""
    return _remaining(local_date(deadline), local_date(now), frozenset())


def working_days_used(clock: CaseClock | None, start: datetime, end: datetime) -> int:
    """Working days counted from `start` to `end` (the day of `start` not counted), less
    the days the case's pauses cover in that span: how long a case, or a department's
    review of it, took by the clock the law counts."""
    if end <= start:
        return 0
    first, last = local_date(start), local_date(end)
    paused = paused_days(clock, end) if clock else frozenset()
    span = range(1, (last - first).days + 1)
    return sum(_counted(first + timedelta(days=i), paused) for i in span)
