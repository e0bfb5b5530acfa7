"""Weekly and monthly report cycles on the real 2026 calendar (Asia/Shanghai)."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from workdays.calendar import WorkdayCalendar
from workdays.cycles import CYCLES, Cycle, current_cycle, cutoff_of, last_cycle

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(*parts):
    return datetime.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def cal():
    return WorkdayCalendar({})


@pytest.fixture(autouse=True)
def default_cutoffs(settings):
    settings.TRACKER_WEEKLY_CUTOFF = "5 17:00"
    settings.TRACKER_MONTHLY_CUTOFF = "25 23:59"


def test_a_monthly_cutoff_on_a_day_off_moves_to_the_next_working_day(cal):
    assert cutoff_of("monthly", D(2026, 1, 10), cal) == at(2026, 1, 26, 23, 59)  # Sun Jan 25
    assert cutoff_of("monthly", D(2026, 10, 31), cal) == at(2026, 10, 26, 23, 59)  # Sun Oct 25
    # Fri Sep 25 is the Mid-Autumn Festival: Monday Sep 28.
    assert cutoff_of("monthly", D(2026, 9, 1), cal) == at(2026, 9, 28, 23, 59)
    assert cutoff_of("monthly", D(2026, 11, 25), cal) == at(2026, 11, 25, 23, 59)  # a Wednesday


def test_a_weekly_cutoff_on_a_holiday_moves_to_the_next_working_day(cal):
    # Fri Oct 2 is National Day (Oct 1-7 off): Thursday Oct 8, same time.
    assert cutoff_of("weekly", D(2026, 9, 28), cal) == at(2026, 10, 8, 17, 0)
    assert cutoff_of("weekly", D(2026, 10, 4), cal) == at(2026, 10, 8, 17, 0)
    assert cutoff_of("weekly", D(2026, 10, 5), cal) == at(2026, 10, 9, 17, 0)
    assert cutoff_of("weekly", D(2026, 11, 23), cal) == at(2026, 11, 27, 17, 0)


def test_moments_on_both_sides_of_a_cutoff(cal):
    cutoff = at(2026, 11, 27, 17, 0)
    before, after = cutoff - datetime.timedelta(minutes=1), cutoff + datetime.timedelta(minutes=1)
    assert current_cycle("weekly", before, cal).cutoff == cutoff
    assert last_cycle("weekly", before, cal).cutoff == at(2026, 11, 20, 17, 0)
    # The cut-off itself still belongs to its cycle (inclusive): reports are missing from then.
    assert last_cycle("weekly", cutoff, cal) == Cycle("weekly", at(2026, 11, 20, 17, 0), cutoff)
    assert current_cycle("weekly", cutoff, cal).cutoff == at(2026, 12, 4, 17, 0)
    assert current_cycle("weekly", after, cal) == Cycle("weekly", cutoff, at(2026, 12, 4, 17, 0))
    assert last_cycle("weekly", after, cal).contains(cutoff)
    assert not last_cycle("weekly", after, cal).contains(after)


def test_during_a_holiday_the_moved_cutoff_of_last_week_is_still_ahead(cal):
    # Mon Oct 5 is off; last week's cut-off (Fri Oct 2) moved to Thu Oct 8, after Oct 5.
    cycle = current_cycle("weekly", at(2026, 10, 5, 12, 0), cal)
    assert cycle == Cycle("weekly", at(2026, 9, 28, 17, 0), at(2026, 10, 8, 17, 0))
    assert last_cycle("weekly", at(2026, 10, 5, 12, 0), cal).cutoff == at(2026, 9, 28, 17, 0)
    assert last_cycle("weekly", at(2026, 10, 9, 9, 0), cal) == cycle


def test_monthly_cycles_around_a_moved_cutoff(cal):
    moment = at(2026, 10, 26, 9, 0)  # Oct 25 was a Sunday: the October cut-off is tonight.
    assert current_cycle("monthly", moment, cal) == Cycle(
        "monthly", at(2026, 9, 28, 23, 59), at(2026, 10, 26, 23, 59)
    )
    assert last_cycle("monthly", moment, cal).cutoff == at(2026, 9, 28, 23, 59)
    assert last_cycle("monthly", at(2026, 10, 27, 0, 0), cal).cutoff == at(2026, 10, 26, 23, 59)


def test_two_periods_landing_on_one_working_day_are_one_cycle():
    # With Oct 8 and 9 off locally, the Oct 2 and Oct 9 cut-offs both land on Sat Oct 10.
    cal = WorkdayCalendar({D(2026, 10, 8): False, D(2026, 10, 9): False})
    merged = Cycle("weekly", at(2026, 9, 28, 17, 0), at(2026, 10, 10, 17, 0))
    assert current_cycle("weekly", at(2026, 10, 9, 12, 0), cal) == merged
    assert last_cycle("weekly", at(2026, 10, 10, 18, 0), cal) == merged
    assert current_cycle("weekly", at(2026, 10, 10, 18, 0), cal).opens_at == merged.cutoff


@pytest.mark.parametrize("name", CYCLES)
def test_cycles_tile_the_year_in_order(name, cal):
    moment = at(2025, 12, 20, 0, 0)
    while moment < at(2027, 2, 1):
        last, current = last_cycle(name, moment, cal), current_cycle(name, moment, cal)
        assert last.cutoff <= moment < current.cutoff
        assert last.cutoff == current.opens_at
        # A moment at a cut-off belongs to the cycle it closes, any other to the current one.
        assert last.contains(moment) == (moment == last.cutoff) != current.contains(moment)
        assert last.opens_at < last.cutoff
        assert cal.is_workday(current.cutoff.date())
        moment += datetime.timedelta(hours=31)


def test_cycles_built_on_a_calendar_ask_no_query(db, django_assert_num_queries, cal):
    with django_assert_num_queries(0):
        current_cycle("monthly", at(2026, 10, 5), cal)
        last_cycle("weekly", at(2026, 10, 5), cal)
    with django_assert_num_queries(1):
        current_cycle("weekly", at(2026, 10, 5))


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("TRACKER_WEEKLY_CUTOFF", "8 17:00"),
        ("TRACKER_WEEKLY_CUTOFF", "0 17:00"),
        ("TRACKER_WEEKLY_CUTOFF", "5 24:00"),
        ("TRACKER_WEEKLY_CUTOFF", "5 17:60"),
        ("TRACKER_WEEKLY_CUTOFF", "Friday 17:00"),
        ("TRACKER_WEEKLY_CUTOFF", "5"),
        ("TRACKER_MONTHLY_CUTOFF", "31 23:59"),
        ("TRACKER_MONTHLY_CUTOFF", "25 23.59"),
        ("TRACKER_MONTHLY_CUTOFF", ""),
    ],
)
def test_a_bad_cutoff_setting_is_refused_with_its_name(settings, cal, setting, value):
    setattr(settings, setting, value)
    name = "weekly" if setting == "TRACKER_WEEKLY_CUTOFF" else "monthly"
    with pytest.raises(ImproperlyConfigured, match=setting):
        cutoff_of(name, D(2026, 11, 25), cal)


def test_another_configured_cutoff_is_followed(settings, cal):
    settings.TRACKER_WEEKLY_CUTOFF = "1 9:30"
    settings.TRACKER_MONTHLY_CUTOFF = "1 08:00"
    # Mon Oct 5 is off: the week's cut-off is Thu Oct 8 at 9:30.
    assert cutoff_of("weekly", D(2026, 10, 7), cal) == at(2026, 10, 8, 9, 30)
    assert cutoff_of("monthly", D(2026, 10, 20), cal) == at(2026, 10, 8, 8, 0)


def test_a_naive_moment_or_an_unknown_cycle_is_refused(cal):
    with pytest.raises(ValueError, match="aware"):
        current_cycle("weekly", datetime.datetime(2026, 10, 5, 12, 0), cal)
    with pytest.raises(ValueError, match="daily"):
        last_cycle("daily", at(2026, 10, 5), cal)
