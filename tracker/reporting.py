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

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.streaming import chunks
from core.tenancy import acting_tenant_id
from notifications.sources import OWED_RECEIPT, OWED_REPORT, ChangePaths, OwedItem, changelist_path
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


def owes_report(opened_at, last_reported_at, cycle):
    """Did a record opened at ``opened_at`` (None: long ago) owe a report for ``cycle`` and
    has it still not given one? A report recorded since the cycle opened, even after its
    cut-off, ends the chase."""
    if opened_at is not None and opened_at > cycle.opens_at:
        return False  # opened during the cycle: its first report is due at the next one
    return last_reported_at is None or last_reported_at <= cycle.opens_at


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


def missed_cut_offs(records, *, reports, on, default_cycle, opened_at, moment, calendar):
    """(record, cycle, last reported at) for each record that owed a report at its cycle's
    latest cut-off before ``moment`` and has still not given one (``owes_report``);
    ``opened_at(record)`` is when it was opened (None: long ago)."""
    latest = last_report_times(reports, on, [record.pk for record in records])
    cycles = {}
    for record in records:
        name = cycle_name(record.reporting_cycle, default_cycle)
        if name is None:
            continue
        if name not in cycles:
            cycles[name] = last_cycle(name, moment, calendar)
        reported = latest.get(record.pk)
        if owes_report(opened_at(record), reported, cycles[name]):
            yield record, cycles[name], reported


class KeyTaskReporting:
    """Key tasks: their lead department owes a report per cycle, and receipt when assigned."""

    kind = _("key task")
    plural = _("key tasks")
    change_path = ChangePaths("admin:tracker_keytask_change")

    def missing_list_path(self, department_id):
        changelist = changelist_path("admin:tracker_keytask_changelist")
        return f"{changelist}?lead_department__id__exact={department_id}&reporting=missing"

    def item(self, task, what, cutoff, last_reported_at=None):
        return OwedItem(
            key=f"task:{task.pk}",
            kind=str(self.kind),
            what=what,
            code=task.code,
            title=task.title,
            department_id=task.lead_department_id,
            cutoff=cutoff,
            last_reported_at=last_reported_at,
            admin_path=self.change_path(task.pk),
        )

    def missing(self, moment, calendar):
        yield from self.missing_receipts(moment, calendar)
        yield from self.missing_cycle_reports(moment, calendar)

    def missing_receipts(self, moment, calendar):
        waiting = of_acting_city(KeyTask.objects.all()).filter(
            state=TaskState.ASSIGNED, assigned_at__isnull=False
        )
        waiting = waiting.only("pk", "code", "title", "lead_department_id", "assigned_at")
        for tasks in chunks(waiting):  # keyset chunks: flat memory, no server-side cursor
            for task in tasks:
                due = receipt_due(task, calendar)
                if due <= moment:
                    yield self.item(task, OWED_RECEIPT, due)

    def missing_cycle_reports(self, moment, calendar):
        chased = (
            of_acting_city(KeyTask.objects.all())
            .filter(state__in=CHASED_TASK_STATES)
            .exclude(reporting_cycle=ReportingCycle.NONE)
            .only("pk", "code", "title", "lead_department_id", "assigned_at", "reporting_cycle")
        )
        # Keyset chunks, one reports query each: flat memory, no server-side cursor.
        for tasks in chunks(chased):
            for task, cycle, reported in missed_cut_offs(
                tasks,
                reports=TaskUpdate,
                on="task",
                default_cycle=settings.TRACKER_TASK_REPORT_CYCLE,
                opened_at=lambda task: task.assigned_at,
                moment=moment,
                calendar=calendar,
            ):
                yield self.item(task, OWED_REPORT, cycle.cutoff, reported)


def missing_report_filter(moment, calendar):
    """A Q on key tasks: those that missed the latest cut-off (for the admin's filter)."""
    source = KeyTaskReporting()
    keys = {int(item.key.split(":")[1]) for item in source.missing(moment, calendar)}
    return Q(pk__in=keys)
