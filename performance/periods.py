"""The periods figures and rankings are told for: a week, a month, or a year to date.

A week is Monday to Sunday and a month a calendar month, each the whole period that
contains the day asked for; a year to date runs from 1 January to the day asked for. A
period's figures count what happened from its start to its end, both included; its
completion rates compare the year to date at its end with the annual targets.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PeriodKind(models.TextChoices):
    WEEK = "week", gettext_lazy("Week")
    MONTH = "month", gettext_lazy("Month")
    YEAR = "year", gettext_lazy("Year to date")


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def year_start(self):
        """Where the year to date of this period's end begins."""
        return datetime.date(self.end.year, 1, 1)

    def previous(self):
        """The period a rank change is measured against: the week or month before; for a
        year to date, the year to date at the end of the month before (last year's whole
        year when the period ends in January)."""
        if self.kind == PeriodKind.WEEK:
            return period_of(PeriodKind.WEEK, self.start - datetime.timedelta(days=1))
        if self.kind == PeriodKind.MONTH:
            return period_of(PeriodKind.MONTH, self.start - datetime.timedelta(days=1))
        month_before = self.end.replace(day=1) - datetime.timedelta(days=1)
        return period_of(PeriodKind.YEAR, month_before)

    @property
    def label(self):
        if self.kind == PeriodKind.WEEK:
            year, week, _weekday = self.start.isocalendar()
            return _("Week %(week)d of %(year)d (%(start)s to %(end)s)") % {
                "week": week,
                "year": year,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
            }
        if self.kind == PeriodKind.MONTH:
            return _("%(month)d/%(year)d") % {"year": self.start.year, "month": self.start.month}
        return _("%(year)d to %(month)d/%(day)d") % {
            "year": self.end.year,
            "month": self.end.month,
            "day": self.end.day,
        }

    def as_dict(self):
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
        }


def period_of(kind, day):
    """The period of ``kind`` that contains ``day`` (for a year: 1 January to ``day``)."""
    if kind == PeriodKind.WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        return Period(kind, start, start + datetime.timedelta(days=6))
    if kind == PeriodKind.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(kind, day.replace(day=1), day.replace(day=last))
    if kind == PeriodKind.YEAR:
        return Period(kind, datetime.date(day.year, 1, 1), day)
    raise ValueError(f"unknown period kind: {kind!r}")
