"""The working-day calendar of mainland China, in Asia/Shanghai time.

Time limits (承诺时限, 法定时限) are counted in working days: weekends are off, official
holidays are off, and adjusted working days (调休上班) on a weekend are worked. The dates
come from shared/data/holidays.json (the State Council General Office notices); a year not
in the file falls back to Monday to Friday, and `is_year_covered` tells the caller so.

Counting follows administrative practice: the day something happens (acceptance, say) does
not count; the limit runs from the next working day and ends at the end of the Nth working
day. A clock that pauses (补正, supplement) can be modelled by adding the paused working
days to `days` in `add_working_days`.
"""

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
_HOLIDAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "holidays.json"


@dataclass(frozen=True)
class _Calendar:
    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]


@cache
def _calendar() -> _Calendar:
    raw = json.loads(_HOLIDAYS_FILE.read_text(encoding="utf-8"))
    years = {key: value for key, value in raw.items() if key.isdigit()}
    return _Calendar(
        holidays=frozenset(date.fromisoformat(d) for y in years.values() for d in y["holidays"]),
        workdays=frozenset(date.fromisoformat(d) for y in years.values() for d in y["workdays"]),
        years=frozenset(int(key) for key in years),
    )


def is_year_covered(year: int) -> bool:
    """True when the published holidays of `year` are known (else Monday to Friday is used)."""
    return year in _calendar().years


def is_working_day(d: date) -> bool:
    calendar = _calendar()
    if d in calendar.workdays:
        return True
    if d in calendar.holidays:
        return False
    return d.weekday() < 5


def local_date(moment: datetime) -> date:
    """The calendar date of an aware datetime in Asia/Shanghai."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(SHANGHAI).date()


def nth_working_day_after(day: date, n: int) -> date:
    """The nth working day after `day` (`day` itself does not count); `day` when n is 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    """Deadline (aware, UTC) of a limit of `days` working days counted from `start`.

    The deadline is 23:59:59 Asia/Shanghai on the `days`-th working day after the local
    date of `start`; with 0 days it is the end of that same day (即办, immediate).
    """
    deadline_day = nth_working_day_after(local_date(start), days)
    return datetime.combine(deadline_day, END_OF_DAY, tzinfo=SHANGHAI).astimezone(UTC)


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days after the local date of `start` up to and including that of `end`."""
    if end <= start:
        return 0
    first, last = local_date(start), local_date(end)
    return sum(is_working_day(first + timedelta(days=i)) for i in range(1, (last - first).days + 1))


def seconds_until(deadline: datetime, now: datetime) -> int:
    """Whole seconds from `now` to `deadline`, at least 1 (a timer cannot wait 0 seconds)."""
    return max(1, math.ceil((deadline - now).total_seconds()))
