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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db.models import BooleanField, Case, Count, F, Value, When, Window
from django.db.models.functions import RowNumber
from django.dispatch import receiver
from django.urls import get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from core.streaming import chunks
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


@dataclass(frozen=True)
class ItemQuery:
    """One query of a deadline source (``open_queries``/``completed_queries``): its rows as
    tuples (``fields``, the pk first) and how each row makes a ``DeadlineItem``. The
    reminders stream it in keyset chunks (``items``); the digests ask the database for
    each department's most urgent rows only (``top_per_department``)."""

    queryset: object
    fields: tuple
    make: Callable  # row tuple (``fields``, maybe more columns after) -> DeadlineItem
    department: str  # the department's column among ``fields``
    date: str  # the date the items are ordered by (deadline, or completion)
    code: object = "code"  # the code, a field name or an expression (ties: then the pk)
    # Items -> the same items completed with what the rows leave out, in one query for
    # them all (an owed item's last report: read for the rows kept, not for every row).
    complete: Callable | None = None

    def items(self):
        for chunk in chunks(self.queryset.values_list(*self.fields), key_index=0):
            yield from self.completed([self.make(row) for row in chunk])

    def completed(self, items):
        return self.complete(items) if self.complete and items else items


class QueriedSource:
    """A deadline source written as queries (``open_queries``, ``completed_queries``, each
    yielding ``ItemQuery``s): its items are those queries' rows, as tuples in keyset
    chunks, so memory stays flat with or without server-side cursors."""

    def open_items(self, due_by):
        for query in self.open_queries(due_by):
            yield from query.items()

    def completed_items(self, start, end):
        for query in self.completed_queries(start, end):
            yield from query.items()


def top_per_department(query, limit, split_before=None):
    """Each department's first ``limit`` items of ``query`` in (date, code, pk) order and
    how many it has in all, computed in SQL (``row_number()`` and ``count(*)`` over each
    department): (department id, overdue, total, items), without reading every row. With
    ``split_before`` (a day) the items dated before it ("overdue") and the others are
    counted and cut apart; otherwise ``overdue`` is False throughout."""
    rows = query.queryset
    partition = [F(query.department)]
    if split_before is not None:
        overdue = When(**{f"{query.date}__lt": split_before}, then=Value(True))
        rows = rows.annotate(
            top_overdue=Case(overdue, default=Value(False), output_field=BooleanField())
        )
        partition.append(F("top_overdue"))
    else:
        rows = rows.annotate(top_overdue=Value(False, output_field=BooleanField()))
    code = F(query.code) if isinstance(query.code, str) else query.code
    rows = (
        rows.annotate(
            top_rank=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F(query.date).asc(), code.asc(), F("pk").asc()],
            ),
            top_total=Window(Count("pk"), partition_by=partition),
        )
        .filter(top_rank__lte=limit)
        .order_by()
    )
    where = query.fields.index(query.department)
    groups, kept = {}, []
    for row in rows.values_list(*query.fields, "top_overdue", "top_total"):
        groups.setdefault((row[where], row[-2]), (row[-1], []))[1].append(len(kept))
        kept.append(query.make(row))
    kept = query.completed(kept)
    for (department_id, is_overdue), (total, positions) in groups.items():
        yield department_id, is_overdue, total, [kept[i] for i in positions]


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


def open_items(due_by):
    for source in sources():
        yield from source.open_items(due_by)


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
    ``ItemQuery``s of what is owed (``OwedItem``s ordered by cut-off), so the digests ask
    the database for each department's first rows and its count (``top_per_department``),
    and ``owed_otherwise(moment, calendar)`` yields what is owed beyond them, item by item
    (a receipt's due time counts working days). ``missing`` is both, in keyset chunks."""

    def missing(self, moment, calendar):
        yield from self.owed_otherwise(moment, calendar)
        for query in self.owed_queries(moment, calendar):
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
