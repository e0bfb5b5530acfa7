"""The deadline-source contract, and deadlines from every source for reminders and digests.

``settings.TRACKER_DEADLINE_SOURCES`` names the sources by dotted path, the way Django
names backends, so that notifications collects key tasks and project milestones without
importing the apps that own them: each domain app implements ``DeadlineSource`` (tracker's
key tasks in ``tracker.deadline_source``, projects' milestones in ``projects.deadlines``,
problems in ``projects.blocker_deadlines``). The same way ``TRACKER_REPORTING_SOURCES``
names what is reported on a schedule, and ``TRACKER_OPEN_PROBLEM_SOURCES`` the problems
the weekly digests list by age.

Every source reads the rows of the city a run acts for (``of_acting_tenant``): the beat's
runs go city by city under ``core.tenancy.acting_for``, and a signed-in request acts for
the user's city, so one city's reminders, digests and phone pages never read another's.
"""

import datetime
import functools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from core.tenancy import acting_tenant_id


def of_acting_tenant(queryset):
    """The rows of ``queryset`` that belong to the city a run acts for (a city's beat run,
    a signed-in user's request); every row when none is set (a superuser, a shell), which
    one city's deployment is anyway. Sources call it on every query they make."""
    tenant = acting_tenant_id()
    return queryset if tenant is None else queryset.for_tenants([tenant])


@dataclass(frozen=True)
class DeadlineItem:
    key: str  # unique across sources, e.g. "task:12", "project-start:34"
    kind: str  # what it is, for people: 重点任务, 项目开工, ...
    code: str
    title: str
    department_id: int
    due_on: datetime.date
    admin_path: str
    completed_on: datetime.date | None = None

    def days_overdue(self, today):
        return (today - self.due_on).days


@runtime_checkable
class DeadlineSource(Protocol):
    """Something a department owes by a date. A source has a name and three methods:

    - ``plural``: what its items are, for people ("key tasks"), naming its overdue list;
    - ``open_items(due_by)``: what is still owed and due on or before ``due_by``;
    - ``completed_items(start, end)``: what was completed between the two dates (inclusive);
    - ``overdue_list_path(department_id)``: the admin list of the department's overdue items.

    The two item methods yield ``DeadlineItem``s, lazily: a run over many thousands of
    items does not hold them all in memory.
    """

    plural: str | Promise

    def open_items(self, due_by: datetime.date) -> Iterator[DeadlineItem]: ...

    def completed_items(
        self, start: datetime.date, end: datetime.date
    ) -> Iterator[DeadlineItem]: ...

    def overdue_list_path(self, department_id: int) -> str: ...


@cache
def sources():
    found = [import_string(path)() for path in settings.TRACKER_DEADLINE_SOURCES]
    for source in found:
        if not isinstance(source, DeadlineSource):
            raise ImproperlyConfigured(
                f"TRACKER_DEADLINE_SOURCES: {type(source).__name__} is not a DeadlineSource"
            )
    return found


@receiver(setting_changed)
def forget_sources(*, setting, **kwargs):
    # sources() is made once per process; a test that changes the setting gets new ones.
    if setting == "TRACKER_DEADLINE_SOURCES":
        sources.cache_clear()


def open_items(due_by, department_id=None):
    """Every source's open items due by ``due_by``; with ``department_id``, that
    department's only, narrowed in SQL by the sources written as queries."""
    for source in sources():
        if department_id is None:
            yield from source.open_items(due_by)
        elif hasattr(source, "open_queries"):
            for query in source.open_queries(due_by):
                yield from query.of_department(department_id).items()
        else:
            yield from (i for i in source.open_items(due_by) if i.department_id == department_id)


def count_open(due_by, by_date=False):
    """{department id: how many open items are due by ``due_by``}, or with ``by_date``
    {(department id, due date): how many}, counted in SQL by the sources written as
    queries (a city's phone page and department panel at province scale)."""
    counts = Counter()
    for source in sources():
        if hasattr(source, "open_queries"):
            for query in source.open_queries(due_by):
                counts.update(query.count_per_department(by_date))
        else:
            items = source.open_items(due_by)
            counts.update(
                (i.department_id, i.due_on) if by_date else i.department_id for i in items
            )
    return counts


def completed_items(start, end):
    for source in sources():
        yield from source.completed_items(start, end)


def overdue_lists(department_id):
    """[(what, admin path)] of the department's overdue items, one list per source."""
    return [(str(source.plural), source.overdue_list_path(department_id)) for source in sources()]


@functools.lru_cache(maxsize=64)
def _changelist(url_name, urlconf):
    return reverse(url_name, urlconf=urlconf)


def changelist_path(url_name):
    """``reverse(url_name)`` of an admin changelist, resolved once per URL configuration:
    a digest run asks each source for each department's list (hundreds of times)."""
    return _changelist(url_name, get_urlconf() or settings.ROOT_URLCONF)


@receiver(setting_changed)
def forget_changelists(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _changelist.cache_clear()


class ChangePaths:
    """Admin change-page paths by id without a URL resolution per item: a reminder run
    over tens of thousands of items would spend seconds in reverse()."""

    def __init__(self, url_name):
        self.url_name = url_name

    def __call__(self, pk):
        if not hasattr(self, "template"):
            self.template = reverse(self.url_name, args=["0"]).replace("/0/", "/{}/")
        return self.template.format(pk)


@dataclass(frozen=True)
class OwedItem:
    """Something a department owes and has not given by its cut-off: a progress report for
    a cycle (按期填报) or the receipt of a task handed to it (签收)."""

    key: str  # e.g. "task:12", "project:34"
    kind: str  # what it is, for people: 重点任务, 重点项目
    what: str  # OWED_REPORT or OWED_RECEIPT
    code: str
    title: str
    department_id: int
    cutoff: datetime.datetime  # when it was owed (aware)
    last_reported_at: datetime.datetime | None
    admin_path: str


OWED_REPORT = "report"
OWED_RECEIPT = "receipt"


@runtime_checkable
class ReportingSource(Protocol):
    """Reports owed on a schedule. A source has a name and two methods:

    - ``plural``: what its items are, for people ("key tasks");
    - ``missing(moment, calendar)``: what was owed at the latest cut-off on or before
      ``moment`` and not given, lazily, as ``OwedItem``s (``calendar`` is a
      ``workdays.calendar.WorkdayCalendar``, loaded once per run);
    - ``missing_list_path(department_id)``: the admin list of the department's items.
    """

    plural: str | Promise

    def missing(self, moment: datetime.datetime, calendar) -> Iterator[OwedItem]: ...

    def missing_list_path(self, department_id: int) -> str: ...


class QueriedReporting:
    """A reporting source written as queries: ``owed_queries(moment, calendar)`` yields
    ``ItemQuery``s of the reports owed (``OwedItem``s of ``OWED_REPORT``, ordered by
    cut-off: counted as reports in SQL, ``owed.count_owed``), so the digests ask
    the database for each department's first rows and its count (``top_per_department``),
    and ``owed_otherwise(moment, calendar)`` yields what is owed beyond them, item by item
    (a receipt's due time counts working days). ``missing`` is both, in keyset chunks."""

    def missing(self, moment, calendar, department_id=None):
        """What is owed (``ReportingSource.missing``); with ``department_id``, that
        department's only, its queries narrowed in SQL."""
        for item in self.owed_otherwise(moment, calendar):
            if department_id is None or item.department_id == department_id:
                yield item
        for query in self.owed_queries(moment, calendar):
            if department_id is not None:
                query = query.of_department(department_id)
            yield from query.items()

    def owed_otherwise(self, moment, calendar):
        return iter(())


@cache
def reporting_sources():
    found = [import_string(path)() for path in settings.TRACKER_REPORTING_SOURCES]
    for source in found:
        if not isinstance(source, ReportingSource):
            raise ImproperlyConfigured(
                f"TRACKER_REPORTING_SOURCES: {type(source).__name__} is not a ReportingSource"
            )
    return found


@receiver(setting_changed)
def forget_reporting_sources(*, setting, **kwargs):
    if setting == "TRACKER_REPORTING_SOURCES":
        reporting_sources.cache_clear()


def missing_reports(moment, calendar, department_id=None):
    """Everything owed and not given at the latest cut-offs before ``moment``."""
    for source in reporting_sources():
        if isinstance(source, QueriedReporting):
            yield from source.missing(moment, calendar, department_id)
            continue
        for item in source.missing(moment, calendar):
            if department_id is None or item.department_id == department_id:
                yield item


def owed_queries(moment, calendar):
    """The ``ItemQuery``s of what the sources written as queries (``QueriedReporting``)
    say is owed at ``moment``: the digests and reminders cut them per department in SQL."""
    for source in reporting_sources():
        if hasattr(source, "owed_queries"):
            yield from source.owed_queries(moment, calendar)


def owed_one_by_one(moment, calendar):
    """What is owed at ``moment`` beyond ``owed_queries``, item by item."""
    for source in reporting_sources():
        if hasattr(source, "owed_queries"):
            yield from source.owed_otherwise(moment, calendar)
        else:
            yield from source.missing(moment, calendar)


def missing_lists(department_id):
    """[(what, admin path)] of the department's items owing reports, one list per source."""
    return [
        (str(source.plural), source.missing_list_path(department_id))
        for source in reporting_sources()
    ]


@dataclass(frozen=True)
class OpenProblem:
    """A problem still in a project's (or a key task's) way, for the weekly digests."""

    key: str  # e.g. "blocker:5"
    title: str
    blocks: str  # what it blocks, for people: a project's or a key task's code and name
    kind: str | Promise  # what kind of problem: land, energy, ...
    state: str | Promise
    coordinator: str  # the coordinating department's name; "" before one is named
    deadline: datetime.date | None
    opened_on: datetime.date  # the day it was raised
    department_ids: frozenset  # the departments it involves (raising, coordinating, ...)
    admin_path: str

    def days_open(self, today):
        return (today - self.opened_on).days


@runtime_checkable
class ProblemSource(Protocol):
    """Problems that block the work (困难问题), open until solved or withdrawn:

    - ``plural``: what its problems are, for people ("problems");
    - ``open_problems()``: every open problem as an ``OpenProblem``, lazily, at a cost
      that does not grow with their number in queries (the digests read them all);
    - ``problem_list_path()``: the admin list of open problems (each reader sees there
      what they may).
    """

    plural: str | Promise

    def open_problems(self) -> Iterator[OpenProblem]: ...

    def problem_list_path(self) -> str: ...


@cache
def problem_sources():
    found = [import_string(path)() for path in settings.TRACKER_OPEN_PROBLEM_SOURCES]
    for source in found:
        if not isinstance(source, ProblemSource):
            raise ImproperlyConfigured(
                f"TRACKER_OPEN_PROBLEM_SOURCES: {type(source).__name__} is not a ProblemSource"
            )
    return found


@receiver(setting_changed)
def forget_problem_sources(*, setting, **kwargs):
    if setting == "TRACKER_OPEN_PROBLEM_SOURCES":
        problem_sources.cache_clear()


def open_problems():
    for source in problem_sources():
        yield from source.open_problems()


def problem_lists():
    """[(what, admin path)] of the open problems, one list per source."""
    return [(str(source.plural), source.problem_list_path()) for source in problem_sources()]
