"""Report cycles: the weekly and monthly cut-offs by which a report is owed.

A cycle runs from the previous cut-off (exclusive) to its own (inclusive). The nominal
cut-off is ``TRACKER_WEEKLY_CUTOFF`` ("5 17:00": ISO weekday and time) in each ISO week, or
``TRACKER_MONTHLY_CUTOFF`` ("25 23:59": day of month and time) in each month, in
``TIME_ZONE``. A nominal day that is a day off moves to the next working day, same time.

Moving forward keeps cut-offs in order (a later nominal day never lands before an earlier
one), but two periods can land on the same working day (a Friday in a long holiday and the
next Friday, both off): they are then one cycle, since nobody could report in between.
"""

import datetime
import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .calendar import calendar

CYCLES = ("weekly", "monthly")

SETTINGS = {"weekly": "TRACKER_WEEKLY_CUTOFF", "monthly": "TRACKER_MONTHLY_CUTOFF"}
# Days 29-31 do not exist in every month: a monthly cut-off must be on a day every month has.
DAY_RANGES = {"weekly": range(1, 8), "monthly": range(1, 29)}
FORMATS = {
    "weekly": "'ISO weekday HH:MM' (1 = Monday … 7 = Sunday), e.g. '5 17:00'",
    "monthly": "'day of month HH:MM' (day 1 to 28), e.g. '25 23:59'",
}
PATTERN = re.compile(r"(\d{1,2}) (\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Cycle:
    name: str
    opens_at: datetime.datetime  # aware; exclusive: the previous cut-off
    cutoff: datetime.datetime  # aware; inclusive

    def contains(self, moment):
        return self.opens_at < moment <= self.cutoff


@functools.lru_cache(maxsize=8)
def parse_cutoff(name, value):
    """(day, time) from a setting's value; ImproperlyConfigured says what is wrong."""
    setting = SETTINGS[name]
    match = PATTERN.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ImproperlyConfigured(f"{setting} must be {FORMATS[name]}; got {value!r}.")
    day, hour, minute = (int(part) for part in match.groups())
    if day not in DAY_RANGES[name]:
        raise ImproperlyConfigured(f"{setting}: day {day} is out of range; use {FORMATS[name]}.")
    if hour > 23 or minute > 59:
        raise ImproperlyConfigured(f"{setting}: {hour}:{minute:02d} is not a time of day.")
    return day, datetime.time(hour, minute)


def configured(name):
    if name not in CYCLES:
        raise ValueError(f"Unknown report cycle {name!r}; choose from {', '.join(CYCLES)}.")
    return parse_cutoff(name, getattr(settings, SETTINGS[name]))


def period_start(name, day):
    """The first day of the week (Monday) or month that contains ``day``."""
    if name == "weekly":
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def shift(name, start, periods):
    """The start of the period ``periods`` periods after (or before) the one at ``start``."""
    if name == "weekly":
        return start + datetime.timedelta(weeks=periods)
    months = start.year * 12 + start.month - 1 + periods
    return datetime.date(months // 12, months % 12 + 1, 1)


def nominal_day(name, start, day_number):
    if name == "weekly":
        return start + datetime.timedelta(days=day_number - 1)
    return start.replace(day=day_number)


def cutoff_of(name, period_day, cal=None):
    """The cut-off (aware) of the week or month containing ``period_day``: the nominal day
    moved to the next working day when it is a day off, at the configured time."""
    day_number, at = configured(name)
    cal = calendar() if cal is None else cal
    nominal = nominal_day(name, period_start(name, period_day), day_number)
    moved = cal.next_workday(nominal)
    return datetime.datetime.combine(moved, at, tzinfo=timezone.get_default_timezone())


def local_day(moment):
    if timezone.is_naive(moment):
        raise ValueError("A report cycle needs an aware moment (timezone.now(), not a naive one).")
    return timezone.localdate(moment, timezone.get_default_timezone())


def first_period_after(name, moment, cal):
    """The start of the earliest period whose cut-off is later than ``moment``."""
    start = period_start(name, local_day(moment))
    while cutoff_of(name, start, cal) <= moment:
        start = shift(name, start, 1)
    # A cut-off moved out of a holiday can fall after the next period has begun.
    while cutoff_of(name, shift(name, start, -1), cal) > moment:
        start = shift(name, start, -1)
    return start


def current_cycle(name, moment, cal=None):
    """The cycle whose cut-off is the first one after ``moment``: reports are due in it."""
    cal = calendar() if cal is None else cal
    start = first_period_after(name, moment, cal)
    return Cycle(
        name=name,
        opens_at=cutoff_of(name, shift(name, start, -1), cal),
        cutoff=cutoff_of(name, start, cal),
    )


def last_cycle(name, moment, cal=None):
    """The latest cycle whose cut-off is at or before ``moment``: a report it lacks is
    missing now."""
    cal = calendar() if cal is None else cal
    start = shift(name, first_period_after(name, moment, cal), -1)
    cutoff = cutoff_of(name, start, cal)
    earlier = shift(name, start, -1)
    # Periods that landed on the same cut-off are one cycle: it opened at the one before.
    while (opens_at := cutoff_of(name, earlier, cal)) >= cutoff:
        earlier = shift(name, earlier, -1)
    return Cycle(name=name, opens_at=opens_at, cutoff=cutoff)
