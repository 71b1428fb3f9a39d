"""The working-day calendar of mainland China, in Asia/Shanghai time.

Time limits (承诺时限, 法定时限) are counted in working days: weekends are off, official
holidays are off, and adjusted working days (调休上班) on a weekend are worked. The dates
come from the `holidays` package (`holidays.China`), which carries each year's State
Council General Office notice, adjusted working days included, and is released monthly.

The notice for a year comes out in November of the year before. A year the installed
release has no notice for falls back to the library's statutory rule: the holidays the
law fixes (全国年节及纪念日放假办法), with the library's estimate of the days off around
them, and no adjusted working days. `is_year_covered` tells the caller which case a year
is in: it is True when the library lists adjusted working days in that year, which every
notice since 2001 has. A deadline in a year not covered is provisional; upgrading the
`holidays` pin brings the notice in.

Counting follows administrative practice: the day something happens (acceptance, say) does
not count; the limit runs from the next working day and ends at the end of the Nth working
day. A clock that pauses (补正, supplement) can be modelled by adding the paused working
days to `days` in `add_working_days`.
"""

import calendar
import math
import threading
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from holidays import HolidayBase

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
# The library fills a year in place on its first lookup there; the local runtime serves
# requests on threads, and a lookup during another thread's fill would see half a year.
_LIBRARY_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Year:
    working: tuple[date, ...]  # in order, for counting by bisection
    working_set: frozenset[date]
    covered: bool


@cache
def _china() -> "HolidayBase":
    # Imported on first use, not with this module, so that only a process that counts a
    # deadline pays for it: measured here (Python 3.11, bytecode compiled, after a stage's own
    # imports) `import holidays` takes 35-55 ms and building the calendar 60-95 ms (it loads
    # the package's ~280 country modules to build one), 100-145 ms in all; filling a year
    # then takes under 1 ms. Years are filled on their first lookup (expand).
    import holidays

    return holidays.China(years=(), expand=True)


@cache
def _year(year: int) -> _Year:
    # One pass over the year through the library, kept as sorted dates: a clock spanning
    # hundreds of days then costs a bisection per year instead of a lookup per day.
    days = (date(year, 1, 1) + timedelta(days=i) for i in range(365 + calendar.isleap(year)))
    with _LIBRARY_LOCK:
        china = _china()
        working = tuple(d for d in days if china.is_working_day(d))
        covered = any(d.year == year for d in china.weekend_workdays)
    return _Year(working=working, working_set=frozenset(working), covered=covered)


def is_year_covered(year: int) -> bool:
    """True when the official arrangement of `year` (its adjusted working days) is known;
    else its days follow the statutory rule and a deadline in it is provisional."""
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
