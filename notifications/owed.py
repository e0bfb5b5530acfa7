"""What departments owe and have not given (按期填报, 签收), for emails, the API and the admin.

``sources.missing_reports`` yields ``OwedItem``s lazily; ``collect_owed`` keeps, per
department, the most overdue and counts the rest: what the sources query is cut in SQL
(``top_per_department``), the rest sorted into bounded lists, so a run over many
thousands of items reads and keeps only what its emails show. What is owed is one city's: the
city a run or a request acts for (``cities``), whatever a source yields.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from core.validators import FIRST_YEAR, LAST_YEAR

from . import cities
from .emails import absolute, item_url
from .item_queries import top_per_department
from .listing import Listing
from .sources import (
    OWED_RECEIPT,
    missing_lists,
    missing_reports,
    owed_one_by_one,
    owed_queries,
)


def by_cutoff(item):
    return (item.cutoff, item.code, item.key)


def owed_links(items, today=None):
    return [{"item": item, "url": item_url(item)} for item in items]


def owed_listing(limit=None):
    return Listing(by_cutoff, limit, link=owed_links)


@dataclass
class Owed:
    """One department's missing reports and overdue receipts."""

    reports: Listing = field(default_factory=owed_listing)
    receipts: Listing = field(default_factory=owed_listing)

    def add(self, item):
        (self.receipts if item.what == OWED_RECEIPT else self.reports).add(item)

    def add_top(self, items, total):
        """A query's first ``items`` (all of one kind: reports, or receipts) of ``total``."""
        (self.receipts if items[0].what == OWED_RECEIPT else self.reports).add_top(items, total)

    @property
    def total(self):
        return self.reports.total + self.receipts.total

    def section(self, department_id, limit=None):
        return {
            "reports": self.reports.section(None, limit),
            "receipts": self.receipts.section(None, limit),
            "total": self.total,
            "lists": [(what, absolute(path)) for what, path in missing_lists(department_id)],
        }


def end_of_day(day):
    """The last instant of ``day`` in the site's time zone."""
    naive = datetime.datetime.combine(day, datetime.time.max)
    return timezone.make_aware(naive, timezone.get_default_timezone())


def run_moment(today, now=None):
    """The moment a run for ``today`` looks at: now when it runs on that day (the
    schedules), else the end of that day (a run by hand with ``--date``)."""
    now = now or timezone.now()
    return now if timezone.localdate(now) == today else end_of_day(today)


def within_tracked_years(day):
    """Reports and receipts are owed only in the tracker's years (2000–2100): outside them
    nothing is owed, and no report cycle needs counting near the calendar's ends."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def owed_in(moment, calendar, department_id=None, city=None):
    """What is owed at ``moment``: of ``city``, else of the city acted for (a request's,
    a run's), else of every city (a superuser's request)."""
    city = city or cities.current()
    if city is None:
        return missing_reports(moment, calendar, department_id)
    return city.missing_reports(moment, calendar, department_id)


def collect_owed(moment, calendar, limit=None, city=None):
    """{department_id: Owed} for everything owed and not given at ``moment``, of ``city``
    (else of the city acted for, else of every city): each department's first ``limit``
    of each kind (default ``TRACKER_EMAIL_ROWS``) and its counts. What the sources query
    is cut per department in SQL (a city at province scale owes thousands of reports)."""
    limit = limit or settings.TRACKER_EMAIL_ROWS
    owed = defaultdict(lambda: Owed(owed_listing(limit), owed_listing(limit)))
    if not within_tracked_years(timezone.localdate(moment)):
        return {}
    city = city or cities.current()
    for query in owed_queries(moment, calendar):
        groups = top_per_department(query, limit)
        for department_id, _overdue, total, items in city.own(groups) if city else groups:
            owed[department_id].add_top(items, total)
    for item in owed_one_by_one(moment, calendar):
        if city is None or city.owns(item):
            owed[item.department_id].add(item)
    return dict(owed)


def owed_items(moment, calendar, department_id=None):
    """Every item owed at ``moment`` (optionally one department's), sorted by department,
    what is owed, cut-off and code: for the API and the admin page."""
    if not within_tracked_years(timezone.localdate(moment)):
        return []
    return sorted(
        owed_in(moment, calendar, department_id),
        key=lambda item: (item.department_id, item.what, *by_cutoff(item)),
    )


def count_owed(moment, calendar, city=None):
    """{department_id: {"reports": n, "receipts": n}} of what is owed at ``moment``, of
    ``city`` (else of the city acted for, else of every city): the reports the sources
    query are counted in SQL, not read (thousands a city at province scale)."""
    if not within_tracked_years(timezone.localdate(moment)):
        return {}
    city = city or cities.current()
    counts = defaultdict(lambda: {"reports": 0, "receipts": 0})
    for query in owed_queries(moment, calendar):
        for department_id, number in query.count_per_department().items():
            if city is None or department_id in city.department_ids:
                counts[department_id]["reports"] += number
    for item in owed_one_by_one(moment, calendar):
        if city is None or city.owns(item):
            counts[item.department_id]["receipts" if item.what == OWED_RECEIPT else "reports"] += 1
    return dict(counts)


def defaulters(owed, departments):
    """The departments that missed the last cut-off, with their counts, most first (the
    city's digest): [{"department", "reports", "receipts", "total"}]."""
    rows = [
        {
            "department": departments[department_id],
            "reports": entry.reports.total,
            "receipts": entry.receipts.total,
            "total": entry.total,
        }
        for department_id, entry in owed.items()
        if entry.total and department_id in departments
    ]
    return sorted(rows, key=lambda row: (-row["total"], row["department"].name))
