"""Working-day calendar: weekends, official holidays, adjusted working days, deadlines."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.workdays import (
    SHANGHAI,
    add_working_days,
    is_working_day,
    is_year_covered,
    nth_working_day_after,
    seconds_until,
    working_days_between,
)


def shanghai(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def test_ordinary_weekend_is_off_and_weekdays_are_worked() -> None:
    # Given an ordinary week in March 2026 (no holiday)
    # When each day is checked
    # Then Monday to Friday are worked and the weekend is off
    week = [date(2026, 3, 9) + timedelta(days=i) for i in range(7)]
    assert [is_working_day(d) for d in week] == [True] * 5 + [False] * 2


def test_spring_festival_2026_is_off_for_nine_days() -> None:
    # Given the 2026 Spring Festival, 15 to 23 February
    span = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    # When each day is checked
    # Then none is worked, although five of them are weekdays, and work resumes on the 24th
    assert not any(is_working_day(d) for d in span)
    assert is_working_day(date(2026, 2, 24))


@pytest.mark.parametrize(
    "make_up_day",
    [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)],
)
def test_adjusted_weekend_days_are_worked(make_up_day: date) -> None:
    # Given a weekend day the State Council made a working day (调休上班)
    assert make_up_day.weekday() >= 5
    # When it is checked
    # Then the centre is open and the clock runs
    assert is_working_day(make_up_day)


def test_limit_accepted_before_spring_festival_skips_the_holiday() -> None:
    # Given a case accepted on Friday 13 February 2026 with 3 working days promised
    accepted = shanghai(2026, 2, 13, 10, 0)
    # When the deadline is computed
    deadline = add_working_days(accepted, 3)
    # Then Sat 14 Feb (worked) counts, the festival does not: Tue 24 and Wed 25 follow
    assert deadline.astimezone(SHANGHAI).date() == date(2026, 2, 25)


def test_five_day_limit_from_friday_counts_the_make_up_sunday() -> None:
    # Given a case accepted on Friday 18 September 2026 with 5 working days promised
    accepted = shanghai(2026, 9, 18, 15, 30)
    # When the deadline is computed
    deadline = add_working_days(accepted, 5)
    # Then Sun 20 Sep (worked) is day 1 and Thu 24 Sep is day 5, before the Mid-Autumn break
    assert deadline.astimezone(SHANGHAI).date() == date(2026, 9, 24)


def test_limit_running_into_mid_autumn_skips_the_break() -> None:
    # Given the same Friday acceptance with 6 working days
    accepted = shanghai(2026, 9, 18, 15, 30)
    # When the deadline is computed
    deadline = add_working_days(accepted, 6)
    # Then 25-27 September (Mid-Autumn) are skipped and the deadline is Monday 28 September
    assert deadline.astimezone(SHANGHAI).date() == date(2026, 9, 28)


def test_limit_running_into_national_day_skips_the_golden_week() -> None:
    # Given a case accepted on Wednesday 30 September 2026 with 2 working days
    accepted = shanghai(2026, 9, 30, 9, 0)
    # When the deadline is computed
    deadline = add_working_days(accepted, 2)
    # Then 1-7 October are off: Thu 8 and Fri 9 October are days 1 and 2
    assert deadline.astimezone(SHANGHAI).date() == date(2026, 10, 9)


def test_national_day_2026_is_off_from_1_to_7_october() -> None:
    # Given National Day 2026: 1-3 October by law, Mon 5 in lieu of Sun 4, and Tue 6 and
    # Wed 7 substituted days off, worked back on Sun 20 September and Sat 10 October
    golden_week = [date(2026, 10, 1) + timedelta(days=i) for i in range(7)]
    # When each day is checked
    # Then the whole week is off, and both make-up weekend days are worked
    assert not any(is_working_day(d) for d in golden_week)
    assert is_working_day(date(2026, 10, 8))
    assert date(2026, 9, 20).weekday() == 6 and is_working_day(date(2026, 9, 20))
    assert date(2026, 10, 10).weekday() == 5 and is_working_day(date(2026, 10, 10))
    assert not is_working_day(date(2026, 10, 11))  # Sunday after it, an ordinary weekend


def test_deadline_across_national_day_2026() -> None:
    # Given a case accepted at 10:00 on Tuesday 29 September 2026 in Shanghai
    accepted = shanghai(2026, 9, 29, 10, 0)
    # When 3 and 4 working-day deadlines are computed
    # Then counting starts the next day: Wed 30 Sep is day 1, 1-7 Oct are off, Thu 8 Oct is
    # day 2 and Fri 9 Oct day 3, ending 23:59:59 Shanghai (15:59:59 UTC); day 4 is the
    # make-up Saturday 10 October
    assert add_working_days(accepted, 3) == datetime(2026, 10, 9, 15, 59, 59, tzinfo=UTC)
    assert add_working_days(accepted, 4) == shanghai(2026, 10, 10, 23, 59, 59)
    # And the working days used by the evening of Fri 9 October are those three
    assert working_days_between(accepted, shanghai(2026, 10, 9, 18, 0)) == 3


def test_spans_of_hundreds_of_days_count_each_working_day_once() -> None:
    # Given the whole of 2026: 365 days, 104 weekend days, of which 6 are worked, and 19
    # weekdays off: New Year 1-2 Jan, Spring Festival 16-20 and 23 Feb, Qingming 6 Apr,
    # Labour Day 1, 4 and 5 May, Dragon Boat 19 Jun, Mid-Autumn 25 Sep, National Day 1, 2,
    # 5, 6 and 7 Oct; so 365 - 104 + 6 - 19 = 248 working days, the last Thu 31 December
    year_end_2025, year_end_2026 = shanghai(2025, 12, 31, 12, 0), shanghai(2026, 12, 31, 12, 0)
    # When they are counted, and the 248th working day after 31 December 2025 is found
    # Then the count and the walk agree, and one more day runs into 2027
    assert working_days_between(year_end_2025, year_end_2026) == 248
    assert nth_working_day_after(date(2025, 12, 31), 248) == date(2026, 12, 31)
    assert nth_working_day_after(date(2025, 12, 31), 249).year == 2027


def test_deadline_is_end_of_day_shanghai_returned_in_utc() -> None:
    # Given a case accepted at 01:00 on Monday 2 March 2026 in Shanghai, given in UTC
    accepted = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    # When a 1-working-day deadline is computed
    deadline = add_working_days(accepted, 1)
    # Then the Shanghai date (Monday) is the start, and the limit ends at 23:59:59 on
    # Tuesday in Shanghai, which is 15:59:59 UTC
    assert deadline == datetime(2026, 3, 3, 15, 59, 59, tzinfo=UTC)
    assert deadline.tzinfo == UTC


def test_zero_days_ends_the_same_day() -> None:
    # Given an immediate item (即办) accepted on Monday 2 March 2026
    # When a 0-day deadline is computed
    deadline = add_working_days(shanghai(2026, 3, 2, 9, 0), 0)
    # Then it is the end of that day
    assert deadline == shanghai(2026, 3, 2, 23, 59, 59)


def test_paused_days_extend_the_deadline() -> None:
    # Given 5 promised working days and a supplement that stopped the clock for 2 of them
    accepted = shanghai(2026, 3, 2, 9, 0)
    # When the deadline is computed with the paused days added
    deadline = add_working_days(accepted, 5 + 2)
    # Then it falls 2 working days later: Wednesday 11 March instead of Monday 9 March
    assert add_working_days(accepted, 5).astimezone(SHANGHAI).date() == date(2026, 3, 9)
    assert deadline.astimezone(SHANGHAI).date() == date(2026, 3, 11)


def test_naive_and_negative_inputs_are_refused() -> None:
    # Given a datetime without a time zone, or a negative limit
    # When a deadline is asked for
    # Then the mistake is reported instead of guessing
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2026, 3, 2, 9, 0), 5)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(shanghai(2026, 3, 2, 9, 0), -1)


def test_years_without_a_notice_fall_back_to_the_statutory_rule() -> None:
    # Given 2030, whose State Council notice no release of the library carries yet
    # When its days are checked
    # Then the year is reported as not covered (a deadline in it is provisional), the
    # holidays the law fixes are still off, and no weekend day is worked
    assert not is_year_covered(2030)
    assert date(2030, 10, 1).weekday() < 5
    assert not is_working_day(date(2030, 10, 1))  # National Day, by law
    assert not is_working_day(date(2030, 10, 5))  # Saturday
    assert is_working_day(date(2030, 10, 8))  # Tuesday after National Day


def test_years_outside_the_calendar_file_are_monday_to_friday_and_not_covered() -> None:
    # Given 2019 and 2036, outside the years shared/data/calendar.json holds (2020-2035)
    # When their days are checked
    # Then weekdays are worked, even New Year's Day and National Day, weekends are off, and
    # neither year is covered, so a deadline in it is provisional
    assert not is_year_covered(2019)
    assert not is_year_covered(2036)
    assert is_working_day(date(2036, 1, 1))  # a Tuesday
    assert is_working_day(date(2036, 10, 1))  # a Wednesday
    assert not is_working_day(date(2036, 10, 4))  # Saturday
    assert is_working_day(date(2019, 10, 1))  # a Tuesday
    # And a count runs from the file's last year into the next without a gap
    assert nth_working_day_after(date(2035, 12, 31), 1) == date(2036, 1, 1)


def test_only_years_with_a_published_arrangement_are_covered() -> None:
    # Given holidays==0.108, which carries the notices up to 2026 (2027's is not out yet)
    # When coverage is asked for
    # Then 2025 and 2026 are covered and 2027 is not: its deadlines are provisional. A
    # release carrying the 2027 notice makes 2027 covered; then move this to 2028.
    assert is_year_covered(2025)
    assert is_year_covered(2026)
    assert not is_year_covered(2027)


def test_2025_arrangement_is_known() -> None:
    # Given 2025: National Day and Mid-Autumn merged (1-8 Oct), Sun 28 Sep worked
    # When the days are checked
    # Then the merged break is off and the make-up Sunday is worked
    assert is_year_covered(2025)
    assert not is_working_day(date(2025, 10, 8))
    assert is_working_day(date(2025, 9, 28))


def test_working_days_between_counts_after_start_up_to_end() -> None:
    # Given a case accepted Friday 18 September 2026 and looked at on Monday 28 September
    start, end = shanghai(2026, 9, 18, 10, 0), shanghai(2026, 9, 28, 9, 0)
    # When the working days used are counted
    # Then Sun 20, Mon 21 to Thu 24 and Mon 28 count: 6 (the break does not)
    assert working_days_between(start, end) == 6
    # And nothing is used when the end is not after the start, or on the same day
    assert working_days_between(end, start) == 0
    assert working_days_between(start, start + timedelta(hours=3)) == 0


def test_seconds_until_is_rounded_up_and_never_below_one() -> None:
    # Given a deadline 90.5 seconds ahead, and one already past
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    # When a timer length is asked for
    # Then it never fires early, and a passed deadline fires at once (1 s)
    assert seconds_until(now + timedelta(seconds=90.5), now) == 91
    assert seconds_until(now - timedelta(hours=1), now) == 1
