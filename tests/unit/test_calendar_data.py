"""The committed calendar (shared/data/calendar.json) against the pinned `holidays` package
it is generated from (infra/calendar_data.py, `make calendar`)."""

import subprocess
import sys
from datetime import date, timedelta

import holidays

from infra.calendar_data import CALENDAR_FILE, FIRST_YEAR, LAST_YEAR, build_calendar, render
from shared.domain.workdays import is_working_day, is_year_covered


def test_committed_calendar_is_what_the_pinned_library_gives() -> None:
    # Given the installed (pinned) holidays release
    # When the calendar is generated again, in memory
    expected = render(build_calendar())
    # Then the committed file is the same, byte for byte
    assert CALENDAR_FILE.read_text(encoding="utf-8") == expected, (
        f"{CALENDAR_FILE.name} is not what holidays {holidays.__version__} gives: run "
        "`make calendar` and commit the result"
    )


def test_every_day_of_the_file_is_counted_as_the_library_counts_it() -> None:
    # Given the library's own calendar of the file's years
    china = holidays.China(years=range(FIRST_YEAR, LAST_YEAR + 2), expand=False)
    first, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    # When each day is checked through the file
    # Then it is worked exactly when the library says so, and a year is covered exactly
    # when the library lists adjusted working days in it
    assert [d for d in days if is_working_day(d) != china.is_working_day(d)] == []
    covered = {d.year for d in china.weekend_workdays}
    assert {y: is_year_covered(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)} == {
        y: y in covered for y in range(FIRST_YEAR, LAST_YEAR + 1)
    }


def test_counting_a_deadline_does_not_import_the_holidays_package() -> None:
    # Given a fresh interpreter, as a Lambda function's
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from shared.domain.workdays import add_working_days, is_year_covered\n"
        "add_working_days(datetime(2026, 9, 29, tzinfo=UTC), 5)\n"
        "is_year_covered(2027)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'holidays', 'dateutil'}))"
    )
    # When a deadline is counted
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Then neither the package nor its dependency is loaded (100-145 ms of a cold start)
    assert done.stdout.strip() == "[]", done.stderr
