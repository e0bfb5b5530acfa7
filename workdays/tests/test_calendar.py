"""Working days on the real 2026 calendar, with local exceptions and uncovered years."""

import datetime
import random

import chinese_calendar
import pytest
from django.utils import translation

from workdays import calendar as workdays
from workdays.calendar import WorkdayCalendar, covers, missing_year_warning, official_years
from workdays.models import CalendarException

D = datetime.date
LAST_OFFICIAL = official_years()[-1]
# The first year the installed package does not know (2027 with chinesecalendar 1.11.0).
UNCOVERED = LAST_OFFICIAL + 1


@pytest.fixture
def cal(db):
    return WorkdayCalendar()


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def test_the_official_2026_calendar(cal):
    assert not cal.is_workday(D(2026, 10, 5))  # National Day, a Monday
    assert cal.is_workday(D(2026, 10, 10))  # make-up Saturday
    assert cal.is_workday(D(2026, 9, 20))  # make-up Sunday
    assert not cal.is_workday(D(2026, 9, 25))  # Mid-Autumn Festival, a Friday
    assert cal.is_workday(D(2026, 10, 9)) and not cal.is_workday(D(2026, 10, 11))
    assert cal.covers(2026) and covers(2026)


def test_the_calendar_agrees_with_the_package_on_every_official_day():
    cal = WorkdayCalendar({})
    differing = [
        day
        for year in official_years()
        for day in days(D(year, 1, 1), D(year, 12, 31))
        if cal.is_workday(day) != chinese_calendar.is_workday(day)
    ]
    assert not differing


def test_a_local_exception_overrides_the_official_calendar_both_ways(db):
    CalendarException.objects.create(date=D(2026, 10, 9), is_workday=False, note="市政府临时调整")
    CalendarException.objects.create(date=D(2026, 10, 11), is_workday=True, note="集中攻坚日")
    cal = WorkdayCalendar()
    assert not cal.is_workday(D(2026, 10, 9))
    assert cal.is_workday(D(2026, 10, 11))
    # Across the week: Oct 8 and Oct 10 still count, Oct 9 no longer, Oct 11 now does.
    assert cal.workdays_between(D(2026, 10, 7), D(2026, 10, 12)) == 4
    assert cal.add_workdays(D(2026, 10, 8), 1) == D(2026, 10, 10)
    assert cal.add_workdays(D(2026, 10, 10), 1) == D(2026, 10, 11)


def test_an_exception_equal_to_the_official_day_changes_nothing():
    same = WorkdayCalendar({D(2026, 10, 5): False, D(2026, 10, 10): True})
    plain = WorkdayCalendar({})
    for day in days(D(2026, 9, 1), D(2026, 11, 1)):
        assert same.is_workday(day) == plain.is_workday(day)
    assert same.workdays_between(D(2026, 1, 1), D(2026, 12, 31)) == plain.workdays_between(
        D(2026, 1, 1), D(2026, 12, 31)
    )


def test_a_year_the_package_does_not_cover_counts_monday_to_friday(cal):
    assert not covers(UNCOVERED)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(UNCOVERED, 1, 4))
    for day in days(D(UNCOVERED, 1, 1), D(UNCOVERED, 12, 31)):
        assert cal.is_workday(day) == (day.weekday() < 5), day
    # 2027-01-01 (New Year's Day) is a Friday: counted as a working day until the update.
    assert cal.workdays_between(D(UNCOVERED, 1, 1), D(UNCOVERED, 12, 31)) == sum(
        day.weekday() < 5 for day in days(D(UNCOVERED, 1, 2), D(UNCOVERED, 12, 31))
    )


def test_local_exceptions_apply_in_an_uncovered_year():
    saturday = next(
        day for day in days(D(UNCOVERED, 1, 1), D(UNCOVERED, 1, 7)) if day.weekday() == 5
    )
    friday = saturday - datetime.timedelta(days=1)
    cal = WorkdayCalendar({saturday: True, friday: False})
    assert cal.is_workday(saturday) and not cal.is_workday(friday)


def test_counting_across_the_national_day_week(cal):
    # Sep 30 (Wed) to Oct 8 (Thu): Oct 1-7 are off, so Oct 8 is the next working day.
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)  # the make-up Saturday
    assert cal.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert cal.add_workdays(D(2026, 10, 5), -1) == D(2026, 9, 30)
    assert cal.add_workdays(D(2026, 10, 12), -4) == D(2026, 9, 30)
    assert cal.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert cal.workdays_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert cal.workdays_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert cal.workdays_between(D(2026, 10, 12), D(2026, 9, 30)) == -4
    assert cal.workdays_between(D(2026, 10, 3), D(2026, 10, 3)) == 0
    # Overdue: a task due on Sep 30 is, on Oct 9, two working days late (Oct 8, Oct 9).
    assert cal.workdays_between(D(2026, 9, 30), D(2026, 10, 9)) == 2
    assert cal.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 10, 10)) == D(2026, 10, 10)


def test_arithmetic_agrees_with_counting_day_by_day():
    cal = WorkdayCalendar({D(2026, 10, 8): False, D(2026, 2, 15): True, D(2025, 12, 27): True})
    rng = random.Random(2026)

    def counted(start, end):
        sign = 1 if end >= start else -1
        low, high = sorted((start, end))
        return sign * sum(cal.is_workday(day) for day in days(low, high) if day != low)

    def walked(start, n):
        day, left = start, abs(n)
        while left:
            day += datetime.timedelta(days=1 if n > 0 else -1)
            left -= cal.is_workday(day)
        return day

    for _ in range(1500):
        start = D(2025, 10, 1) + datetime.timedelta(days=rng.randrange(600))
        end = start + datetime.timedelta(days=rng.randrange(-90, 90))
        n = rng.randrange(-40, 41)
        assert cal.workdays_between(start, end) == counted(start, end), (start, end)
        assert cal.add_workdays(start, n) == walked(start, n), (start, n)


def test_building_a_calendar_is_one_query_and_using_it_none(db, django_assert_num_queries):
    CalendarException.objects.create(date=D(2026, 10, 9), is_workday=False, note="临时调整")
    with django_assert_num_queries(1):
        cal = WorkdayCalendar()
    # The benchmark: a ladder over 100,000 items on one calendar asks nothing more. Spans of
    # a year and more are arithmetic (no day-by-day loop), which keeps this under a second.
    today = D(2026, 11, 25)
    with django_assert_num_queries(0):
        total = 0
        for i in range(100_000):
            due_on = D(2025, 1, 1) + datetime.timedelta(days=i % 900)
            total += cal.workdays_between(due_on, today)
            cal.add_workdays(due_on, 5)
    assert total != 0


def test_the_conveniences_read_the_exceptions_each_time(db, django_assert_num_queries):
    assert workdays.is_workday(D(2026, 10, 9))
    CalendarException.objects.create(date=D(2026, 10, 9), is_workday=False, note="临时调整")
    with django_assert_num_queries(1):
        assert not workdays.is_workday(D(2026, 10, 9))
    assert workdays.next_workday(D(2026, 10, 9)) == D(2026, 10, 10)
    assert workdays.add_workdays(D(2026, 10, 8), 1) == D(2026, 10, 10)
    assert workdays.workdays_between(D(2026, 10, 8), D(2026, 10, 10)) == 1
    assert isinstance(workdays.calendar(), WorkdayCalendar)


def test_a_datetime_counts_as_its_local_day():
    cal = WorkdayCalendar({})
    # 2026-10-07 20:00 UTC is 2026-10-08 04:00 in Shanghai, a working day.
    moment = datetime.datetime(2026, 10, 7, 20, 0, tzinfo=datetime.UTC)
    assert cal.is_workday(moment)
    assert not cal.is_workday(datetime.datetime(2026, 10, 7, 20, 0))


def test_the_missing_year_warning_starts_on_december_first():
    assert LAST_OFFICIAL >= 2026  # with chinesecalendar 1.11.0: 2026-11-30 and 2026-12-01
    assert missing_year_warning(D(LAST_OFFICIAL, 11, 30)) is None
    assert missing_year_warning(D(LAST_OFFICIAL, 1, 1)) is None
    with translation.override("en"):
        warning = missing_year_warning(D(LAST_OFFICIAL, 12, 1))
        assert str(UNCOVERED) in warning and "Monday to Friday" in warning
        assert "local exceptions" in warning
        # Into the uncovered year itself, the warning stays until the package is updated.
        assert str(UNCOVERED) in missing_year_warning(D(UNCOVERED, 1, 15))
