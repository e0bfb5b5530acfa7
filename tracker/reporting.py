"""Reports owed on a schedule (按期填报) and receipts owed (签收), for key tasks.

Each open key task owes one progress report per cycle (``TRACKER_TASK_REPORT_CYCLE`` by
default, or the task's own ``reporting_cycle``): a report recorded (``created_at``) after
the previous cut-off and by this one satisfies it. A task assigned during a cycle owes its
first report at the end of the next one, so nobody is late for a task handed out the day
before a cut-off. A task awaiting receipt owes its receipt ``TRACKER_RECEIPT_WORKING_DAYS``
working days after it was assigned. Implements ``notifications.sources.ReportingSource``.

What is owed is the acting tenant's (``of_acting_city``): a beat task runs once per city
under ``acting_for``, and a request acts for its user's city, so one city's reminders,
missing-reports list and phone page never list another city's tasks.
"""

import dataclasses
import functools
import operator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, DateTimeField, Exists, F, Max, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.streaming import chunks
from core.tenancy import acting_tenant_id
from notifications.item_queries import ItemQuery
from notifications.sources import (
    OWED_RECEIPT,
    OWED_REPORT,
    ChangePaths,
    OwedItem,
    QueriedReporting,
    changelist_path,
)
from workdays.cycles import current_cycle, last_cycle

from .choices import CHASED_TASK_STATES, ReportingCycle, TaskState
from .models import KeyTask, TaskUpdate


def of_acting_city(queryset):
    """The rows of the acting tenant (every one when none acts: a superuser, or a
    deployment's own code before it runs per city)."""
    tenant = acting_tenant_id()
    return queryset if tenant is None else queryset.for_tenants([tenant])


def cycle_name(reporting_cycle, default):
    """The cycle a record reports on: its own, else the default; None when exempt."""
    name = reporting_cycle or default
    return None if name == ReportingCycle.NONE else name


def cycle_of_task(task):
    return cycle_name(task.reporting_cycle, settings.TRACKER_TASK_REPORT_CYCLE)


def next_report_due(task, moment, calendar, last_reported_at=None):
    """When the task's next report is due (the cut-off), or None when it owes none."""
    name = cycle_of_task(task)
    if name is None or task.state not in CHASED_TASK_STATES:
        return None
    cycle = current_cycle(name, moment, calendar)
    if last_reported_at is not None and cycle.contains(last_reported_at):
        return current_cycle(name, cycle.cutoff, calendar).cutoff
    if task.assigned_at is not None and task.assigned_at > cycle.opens_at:
        return current_cycle(name, cycle.cutoff, calendar).cutoff
    return cycle.cutoff


def receipt_due(task, calendar):
    """The moment by which a task assigned at ``assigned_at`` must be acknowledged."""
    local = timezone.localtime(task.assigned_at)
    day = calendar.add_workdays(local.date(), settings.TRACKER_RECEIPT_WORKING_DAYS)
    return local.replace(year=day.year, month=day.month, day=day.day)


def last_report_times(reports, on, ids):
    """{record id: when its latest report was recorded}, in one query; ``reports`` is the
    report model, ``on`` the name of its foreign key to the record."""
    column = f"{on}_id"
    return dict(
        reports.objects.filter(**{f"{column}__in": ids})
        .values(column)
        .annotate(latest=Max("created_at"))
        .values_list(column, "latest")
    )


# The cycles a record may report on by name; blank is the default's, "none" exempts it.
NAMED_CYCLES = tuple(
    name
    for name in ReportingCycle.values
    if name not in (ReportingCycle.DEFAULT, ReportingCycle.NONE)
)


def owing(records, *, reports, on, default_cycle, opened, moment, calendar):
    """The ``records`` that owed a report at their cycle's latest cut-off before ``moment``
    and have still not given one, in one query. A record owes a cycle's report when it was
    opened (``opened``, a field; null: long ago) by the time the cycle opened: one opened
    during the cycle owes its first report at the next cut-off. A report recorded since
    the cycle opened, even after its cut-off, ends the chase.

    A record's cycle is its own ``reporting_cycle``, else ``default_cycle``; ``reports``
    is the report model and ``on`` its foreign key to the record (indexed with
    ``created_at``: one index probe a record). Each record is annotated with its cycle's
    cut-off, ``owed_cutoff``."""
    if default_cycle not in (*NAMED_CYCLES, ReportingCycle.NONE):
        raise ImproperlyConfigured(f"no reporting cycle {default_cycle!r}")
    cycles = []
    for name in NAMED_CYCLES:
        named = [name, ReportingCycle.DEFAULT] if name == default_cycle else [name]
        cycles.append((Q(reporting_cycle__in=named), last_cycle(name, moment, calendar)))

    def of_cycle(attribute):
        whens = (When(named, then=Value(getattr(cycle, attribute))) for named, cycle in cycles)
        return Case(*whens, output_field=DateTimeField())

    since = reports.objects.filter(**{on: OuterRef("pk"), "created_at__gt": OuterRef("owed_opens")})
    return (
        records.filter(functools.reduce(operator.or_, (named for named, _cycle in cycles)))
        .annotate(owed_opens=of_cycle("opens_at"), owed_cutoff=of_cycle("cutoff"))
        .filter(Q(**{f"{opened}__isnull": True}) | Q(**{f"{opened}__lte": F("owed_opens")}))
        .filter(~Exists(since))
    )


def record_id(item):
    return int(item.key.rpartition(":")[2])


def with_last_reports(items, *, reports, on):
    """``items`` (``OwedItem``s keyed "<kind>:<record id>") with their records' latest
    report times, in one query for them all."""
    latest = last_report_times(reports, on, [record_id(item) for item in items])
    return [
        dataclasses.replace(item, last_reported_at=latest.get(record_id(item))) for item in items
    ]


def owed_query(records, *, reports, on, fields, make, department, **owed):
    """An ``ItemQuery`` of the ``records`` owing reports (``owing``, given ``reports``,
    ``on`` and the rest as keywords): ``fields`` (the pk first) read as items by ``make``
    once ``owed_cutoff`` is added to them, each completed with its last report time."""
    return ItemQuery(
        owing(records, reports=reports, on=on, **owed),
        (*fields, "owed_cutoff"),
        make,
        department=department,
        date="owed_cutoff",
        complete=functools.partial(with_last_reports, reports=reports, on=on),
    )


class KeyTaskReporting(QueriedReporting):
    """Key tasks: their lead department owes a report per cycle, and receipt when assigned."""

    kind = _("key task")
    plural = _("key tasks")
    change_path = ChangePaths("admin:tracker_keytask_change")

    def missing_list_path(self, department_id):
        changelist = changelist_path("admin:tracker_keytask_changelist")
        return f"{changelist}?lead_department__id__exact={department_id}&reporting=missing"

    def item(self, pk, code, title, department_id, what, cutoff, kind):
        return OwedItem(
            key=f"task:{pk}",
            kind=kind,
            what=what,
            code=code,
            title=title,
            department_id=department_id,
            cutoff=cutoff,
            last_reported_at=None,
            admin_path=self.change_path(pk),
        )

    def owed_otherwise(self, moment, calendar):
        """Receipts owed: a task's is due a number of working days after it was assigned."""
        waiting = of_acting_city(KeyTask.objects.all()).filter(
            state=TaskState.ASSIGNED, assigned_at__isnull=False
        )
        waiting = waiting.only("pk", "code", "title", "lead_department_id", "assigned_at")
        kind = str(self.kind)  # translated once per run, not per item
        for tasks in chunks(waiting):  # keyset chunks: flat memory, no server-side cursor
            for task in tasks:
                due = receipt_due(task, calendar)
                if due <= moment:
                    yield self.item(
                        task.pk,
                        task.code,
                        task.title,
                        task.lead_department_id,
                        OWED_RECEIPT,
                        due,
                        kind,
                    )

    def owed_queries(self, moment, calendar):
        kind = str(self.kind)  # translated once per run, not per item
        yield owed_query(
            of_acting_city(KeyTask.objects.all()).filter(state__in=CHASED_TASK_STATES),
            reports=TaskUpdate,
            on="task",
            default_cycle=settings.TRACKER_TASK_REPORT_CYCLE,
            opened="assigned_at",
            moment=moment,
            calendar=calendar,
            fields=("pk", "code", "title", "lead_department_id"),
            make=lambda row: self.item(*row[:4], OWED_REPORT, row[4], kind),
            department="lead_department_id",
        )


def missing_report_filter(moment, calendar):
    """A Q on key tasks: those that missed the latest cut-off or owe their receipt (for the
    admin's filter). The reports owed stay a subquery (no rows read, no last report times);
    the receipts, counted in working days, are listed by id."""
    source = KeyTaskReporting()
    owed = Q(pk__in={record_id(item) for item in source.owed_otherwise(moment, calendar)})
    for query in source.owed_queries(moment, calendar):
        owed |= Q(pk__in=query.queryset.values("pk"))
    return owed
