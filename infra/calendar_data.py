"""Writes shared/data/calendar.json, China's working-day calendar, from the pinned `holidays`
package: `make calendar` (`python -m infra.calendar_data`).

The package (`holidays.China`) stays the source of truth: it carries each year's State
Council notice, adjusted working days (调休) included, and is released monthly. But importing
it and building the calendar costs 100-145 ms per process (its __init__ imports all ~280
country modules), which a Lambda would pay on a cold start at 0.14 of a core. So it runs
here, at build time, and the functions read the file (shared/domain/workdays.py) with the
standard library. This module sits in infra/ with the other build tools, not in shared/, so
that it is not copied into every function's asset (bundling stages shared/ whole) beside a
package the layer no longer has.

Run it after changing the `holidays` pin; tests/unit/test_calendar_data.py regenerates the
calendar in memory and fails while the committed file differs. The output is stable (sorted
keys and dates, no timestamp), so a pin upgrade shows as the dates it changes.
"""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
from holidays.constants import SAT, SUN

REPO_ROOT = Path(__file__).resolve().parent.parent
CALENDAR_FILE = REPO_ROOT / "shared" / "data" / "calendar.json"
LIBRARY = "holidays"
# The years a deadline may fall in, with room: a case waits at most about a year (see
# shared/domain/clock.py), so 2035 is well past any case open now. Years after the last
# published notice follow the library's statutory rule (not covered).
FIRST_YEAR, LAST_YEAR = 2020, 2035


def build_calendar(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> dict[str, Any]:
    """The calendar of `first_year` to `last_year` as holidays.China gives it, as JSON data:
    per year the weekdays off and the weekend days worked, and which years are covered (have
    adjusted working days, so the State Council's notice is in the library)."""
    # The year after the range too: a notice may move a working day into the December
    # before (the 2002, 2006, 2007 and 2012 notices did), and the library records it when
    # it fills the later year.
    china = holidays.China(years=range(first_year, last_year + 2), expand=False)
    if set(china.weekend) != {SAT, SUN}:  # what workdays.py takes every weekend to be
        raise RuntimeError(f"holidays.China's weekend is {sorted(china.weekend)}, not Sat-Sun")
    years: dict[str, dict[str, list[str]]] = {}
    for year in range(first_year, last_year + 1):
        days = [date(year, 1, 1) + timedelta(days=i) for i in range(_days_in(year))]
        weekend = [d for d in days if d.weekday() in (SAT, SUN)]
        weekdays = [d for d in days if d.weekday() not in (SAT, SUN)]
        years[str(year)] = {
            "weekdays_off": [d.isoformat() for d in weekdays if not china.is_working_day(d)],
            "weekends_worked": [d.isoformat() for d in weekend if china.is_working_day(d)],
        }
    return {
        "description": (
            "Mainland China's working-day calendar, generated from the holidays package "
            "(holidays.China) by `make calendar`; do not edit by hand. Per year: the official "
            "holidays that fall on a weekday (days off) and the adjusted working days that "
            "fall on a weekend (调休上班, days worked); every other weekday is worked and "
            "every other weekend day is off. covered_years have the State Council's "
            "arrangement (adjusted working days present); the other years follow the "
            "library's statutory rule and their deadlines are provisional. Years outside "
            "first_year..last_year are counted Monday to Friday, not covered."
        ),
        "source": {"library": LIBRARY, "version": holidays.__version__},
        "first_year": first_year,
        "last_year": last_year,
        "covered_years": [int(y) for y, entry in years.items() if entry["weekends_worked"]],
        "years": years,
    }


def render(calendar: dict[str, Any]) -> str:
    """The file's text: sorted keys, one date a line, so that a regeneration diffs cleanly."""
    return json.dumps(calendar, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _days_in(year: int) -> int:
    return (date(year, 12, 31) - date(year, 1, 1)).days + 1


def main() -> None:
    calendar = build_calendar()
    CALENDAR_FILE.write_text(render(calendar), encoding="utf-8")
    covered = ", ".join(str(year) for year in calendar["covered_years"]) or "none"
    print(
        f"{CALENDAR_FILE.relative_to(REPO_ROOT)}: {FIRST_YEAR}-{LAST_YEAR} from {LIBRARY} "
        f"{calendar['source']['version']}; covered (arrangement published): {covered}"
    )


if __name__ == "__main__":
    main()
