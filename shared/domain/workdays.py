"""The working-day calendar of mainland China, in Asia/Shanghai time.

Time limits (承诺时限, 法定时限) are counted in working days: weekends are off, official
holidays are off, and adjusted working days (调休上班) on a weekend are worked. The dates
come from the `holidays` package (`holidays.China`), which carries each year's State
Council General Office notice, adjusted working days included, and is released monthly.
They are read from shared/data/calendar.json, generated from the pinned release at build
time (`make calendar`, infra/calendar_data.py) and checked against it by a unit test, so
that no Lambda imports the package (100-145 ms per process).

The notice for a year comes out in November of the year before. A year the pinned
release has no notice for follows the library's statutory rule: the holidays the law
fixes (全国年节及纪念日放假办法), with the library's estimate of the days off around them,
and no adjusted working days. `is_year_covered` tells the caller which case a year is in:
it is True when adjusted working days are listed in that year, which every notice since
2001 has. A deadline in a year not covered is provisional; upgrading the `holidays` pin
and running `make calendar` brings the notice in. A year outside the file's range
(2020-2035) is counted Monday to Friday, and is not covered either.

Counting follows administrative practice: the day something happens (acceptance, say) does
not count; the limit runs from the next working day and ends at the end of the Nth working
day. A clock that pauses (补正, supplement) can be modelled by adding the paused working
days to `days` in `add_working_days`.
"""

import json
import math
from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
_CALENDAR_FILE = Path(__file__).resolve().parent.parent / "data" / "calendar.json"
_SATURDAY = 5


# NamedTuples, not frozen dataclasses: both are defined at import, and a frozen dataclass
# takes 0.7 ms to define here, a NamedTuple 0.15 ms.
class _Calendar(NamedTuple):
    weekdays_off: frozenset[date]  # official holidays on a weekday
    weekends_worked: frozenset[date]  # adjusted working days on a weekend
    covered_years: frozenset[int]


class _Year(NamedTuple):
    working: tuple[date, ...]  # in order, for counting by bisection
    working_set: frozenset[date]
    covered: bool


@cache
def _calendar() -> _Calendar:
    # Read on first use, not at import, so that only a process that counts a deadline pays:
    # measured here (Python 3.11, a fresh process, after a stage's own imports) reading and
    # parsing the file takes about 0.2 ms and each year's dates 0.25 ms, so a first deadline
    # costs 0.4-0.7 ms (about 1 ms at worst; ~3-7 ms at Lambda's 0.14 of a core), where
    # importing `holidays` and building its calendar took 100-145 ms. _calendar and _year
    # are pure functions of a file that does not change: two threads racing through them
    # build equal values, so they need no lock.
    raw = json.loads(_CALENDAR_FILE.read_text(encoding="utf-8"))
    years = raw["years"].values()
    return _Calendar(
        weekdays_off=frozenset(date.fromisoformat(d) for y in years for d in y["weekdays_off"]),
        weekends_worked=frozenset(
            date.fromisoformat(d) for y in years for d in y["weekends_worked"]
        ),
        covered_years=frozenset(raw["covered_years"]),
    )


@cache
def _year(year: int) -> _Year:
    # One pass over the year, kept as sorted dates: a clock spanning hundreds of days then
    # costs a bisection per year instead of a lookup per day. A year the file does not list
    # has no entries in it, so it comes out Monday to Friday.
    calendar = _calendar()
    first = date(year, 1, 1)
    days = (first + timedelta(days=i) for i in range((date(year, 12, 31) - first).days + 1))
    working = tuple(d for d in days if _is_worked(d, calendar))
    covered = year in calendar.covered_years
    return _Year(working=working, working_set=frozenset(working), covered=covered)


def _is_worked(d: date, calendar: _Calendar) -> bool:
    if d.weekday() >= _SATURDAY:
        return d in calendar.weekends_worked
    return d not in calendar.weekdays_off


def is_year_covered(year: int) -> bool:
    """True when the official arrangement of `year` (its adjusted working days) is known;
    else its days follow the statutory rule (Monday to Friday outside 2020-2035) and a
    deadline in it is provisional."""
    return _year(year).covered


def is_working_day(d: date) -> bool:
    """True when `d` is worked: a weekday that is no holiday, or an adjusted working day."""
    return d in _year(d.year).working_set


def local_date(moment: datetime) -> date:
    """The calendar date of an aware datetime in Asia/Shanghai."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(SHANGHAI).date()


def nth_working_day_after(day: date, n: int) -> date:
    """The nth working day after `day` (`day` itself does not count); `day` when n is 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return day
    year = day.year
    while True:
        working = _year(year).working
        passed = bisect_right(working, day)  # the working days of `year` up to `day`
        if passed + n <= len(working):
            return working[passed + n - 1]
        n -= len(working) - passed
        year += 1


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
    return sum(
        bisect_right(working, last) - bisect_right(working, first)
        for working in (_year(year).working for year in range(first.year, last.year + 1))
    )


def seconds_until(deadline: datetime, now: datetime) -> int:
    """Whole seconds from `now` to `deadline`, at least 1 (a timer cannot wait 0 seconds)."""
    return max(1, math.ceil((deadline - now).total_seconds()))


def prepare_calendar(today: date) -> None:
    """Loads the calendar and this year's and next year's days: called at a function's
    init (a full core) by the functions that count deadlines on every call."""
    for year in (today.year, today.year + 1):
        _year(year)
