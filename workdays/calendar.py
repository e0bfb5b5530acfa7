"""China's working days: the State Council's calendar, then the office's local exceptions.

Deadlines, "working days left/overdue", report cut-offs and escalation rungs all count
working days with a ``WorkdayCalendar``. Building one reads the local exceptions (one
query); everything after is pure arithmetic, so a caller walking 100,000 items builds one
calendar and passes it along.

How it stays fast: a day is a working day when it is Monday to Friday, unless it is a
*deviation* (a weekday off, such as National Day, or a weekend working day, such as a
make-up Saturday). Deviations are few (a few dozen a year), so the calendar keeps them as a
sorted list of ordinals with prefix sums of their effect (+1 or -1). The number of working
days up to a day is then arithmetic on weekdays plus one bisection, whatever the span::

    cal = calendar()                       # one query
    for due_on in deadlines:               # 100,000 items: no query, no day-by-day loop
        cal.workdays_between(due_on, today)

Years the chinesecalendar package does not cover (it raises NotImplementedError, e.g. 2027
with 1.11.0) count Monday to Friday, plus the local exceptions.
"""

import bisect
import datetime
import functools
from itertools import accumulate

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext as _


@functools.cache
def covers(year):
    """Does the installed chinesecalendar package know the State Council's calendar for
    ``year``?"""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def official_years():
    """The years the official calendar covers, as a range."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


def is_weekday(ordinal):
    # date(1, 1, 1), ordinal 1, was a Monday.
    return (ordinal - 1) % 7 < 5


def weekdays_upto(ordinal):
    """How many Mondays to Fridays lie in [ordinal 1, ordinal]."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@functools.cache
def official_deviations():
    """{ordinal: +1 or -1}: the days the official calendar counts unlike Monday–Friday.

    Read from the package's own tables, by the rule of its ``is_workday`` (a listed working
    day wins; a listed holiday on a weekday is off); a test checks the two agree day by day.
    Computed once per process: it depends on the installed package only.
    """
    deviations = {}
    for day in chinese_calendar.holidays:
        if day.weekday() < 5 and day not in chinese_calendar.workdays:
            deviations[day.toordinal()] = -1
    for day in chinese_calendar.workdays:
        if day.weekday() >= 5:
            deviations[day.toordinal()] = +1
    return deviations


@functools.cache
def official_index():
    return index(official_deviations())


def index(deviations):
    """(sorted ordinals, prefix sums) of ``deviations``; prefix[i] sums the first i."""
    ordinals = sorted(deviations)
    return ordinals, [0, *accumulate(deviations[o] for o in ordinals)]


def as_date(day):
    if isinstance(day, datetime.datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return day


class WorkdayCalendar:
    """Working days with the local exceptions read once; pure after construction.

    ``exceptions``: {date: is_workday}; None reads them from the database (one query).
    """

    def __init__(self, exceptions=None):
        if exceptions is None:
            from .models import CalendarException

            exceptions = dict(CalendarException.objects.values_list("date", "is_workday"))
        self.exceptions = dict(exceptions)
        if not self.exceptions:
            self._deviations = official_deviations()
            self._ordinals, self._prefix = official_index()
            return
        deviations = dict(official_deviations())
        for day, workday in self.exceptions.items():
            ordinal = day.toordinal()
            delta = int(bool(workday)) - int(is_weekday(ordinal))
            if delta:
                deviations[ordinal] = delta
            else:
                deviations.pop(ordinal, None)
        self._deviations = deviations
        self._ordinals, self._prefix = index(deviations)

    def covers(self, year):
        """Is the official calendar known for ``year``?"""
        return covers(year)

    def is_workday(self, day):
        ordinal = as_date(day).toordinal()
        return is_weekday(ordinal) + self._deviations.get(ordinal, 0) > 0

    def rank(self, ordinal):
        """How many working days lie in [ordinal 1, ordinal]: nondecreasing, +1 on each
        working day."""
        deviation = self._prefix[bisect.bisect_right(self._ordinals, ordinal)]
        return weekdays_upto(ordinal) + deviation

    def workdays_between(self, start, end):
        """Working days in (start, end] when end > start, 0 when equal, and minus those in
        (end, start] when end < start. Overdue: (due_on, today); left: (today, due_on)."""
        return self.rank(as_date(end).toordinal()) - self.rank(as_date(start).toordinal())

    def add_workdays(self, day, n):
        """n > 0: the n-th working day after ``day``; n < 0: the |n|-th before; 0: ``day``."""
        day = as_date(day)
        if n == 0:
            return day
        ordinal = day.toordinal()
        if n > 0:
            return datetime.date.fromordinal(self.first_reaching(ordinal, self.rank(ordinal) + n))
        target = self.rank(ordinal) - self.is_workday(day) + n + 1
        return datetime.date.fromordinal(self.first_reaching_backward(ordinal, target))

    def next_workday(self, day):
        """The first working day on or after ``day``."""
        day = as_date(day)
        return day if self.is_workday(day) else self.add_workdays(day, 1)

    def first_reaching(self, ordinal, target):
        """The first ordinal after ``ordinal`` whose rank reaches ``target`` (> its rank).

        The rank grows by at most one a day, so jumping by the shortfall never passes the
        answer; each jump shrinks the shortfall to about 2/7, so a few jumps suffice.
        """
        while (shortfall := target - self.rank(ordinal)) > 0:
            ordinal += shortfall
        return ordinal

    def first_reaching_backward(self, ordinal, target):
        """The first ordinal whose rank reaches ``target`` (<= the rank at ``ordinal``),
        searched backward: every day in (ordinal - surplus, ordinal] still reaches it."""
        while (surplus := self.rank(ordinal) - target + 1) > 0:
            ordinal -= surplus
        return ordinal + 1


def calendar():
    """A fresh calendar: the local exceptions as stored now (one query)."""
    return WorkdayCalendar()


def is_workday(day):
    return calendar().is_workday(day)


def next_workday(day):
    return calendar().next_workday(day)


def add_workdays(day, n):
    return calendar().add_workdays(day, n)


def workdays_between(a, b):
    return calendar().workdays_between(a, b)


def missing_year(today):
    """The year whose official calendar is missing and matters now, or None: this year's
    at any time, next year's from December 1 on."""
    if not covers(today.year):
        return today.year
    if today.month == 12 and not covers(today.year + 1):
        return today.year + 1
    return None


def missing_year_warning(today):
    """A translated warning for supervisors when the coming year's official calendar is
    missing (from December 1 on), else None."""
    year = missing_year(today)
    if year is None:
        return None
    return _(
        "The State Council's holiday calendar for %(year)s is not yet in the tracker: "
        "until the chinesecalendar package is updated, working days in %(year)s count "
        "Monday to Friday plus the local exceptions. Supervisors may add local exceptions "
        "meanwhile."
    ) % {"year": year}
