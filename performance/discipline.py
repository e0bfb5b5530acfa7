"""Reporting discipline (按期填报, 逾期) of the departments for a period, from the stored history.

Two figures per department, for the key tasks it leads (docs/rankings.md):

- overdue key tasks at the period's end: the deadline, moved to the next working day when
  it falls on a day off, lies before the period's last day, and the task was neither done
  (``completed_on``) nor closed or cancelled by the end of that day;
- the on-time reporting rate: of the progress reports owed at the report cut-offs that fell
  in the period (``tracker.reporting``'s rule: a task open and chased at the cut-off, handed
  out before its cycle opened, owes one report recorded after the cycle opened and by the
  cut-off), the share that was recorded in time; None when nothing was owed.

Everything is read as it stood then: the loop's steps (``TaskTransition.at``) give a task's
state at a moment, reports count by when they were recorded (``TaskUpdate.created_at``),
so the figures for a past period are the same whenever they are asked for. A task from
before the loop (no steps) counts as open from 1 January of its year until its completion
date; a cancelled one without steps never counts. Four queries, whatever the number of
tasks and cut-offs. A tenant's (city's or province's) own key tasks only.
"""

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tracker.choices import CHASED_TASK_STATES, TaskState, TaskStatus
from tracker.models import KeyTask, TaskTransition, TaskUpdate
from tracker.reporting import cycle_name
from workdays.calendar import calendar as workday_calendar
from workdays.cycles import last_cycle

from .counting import tenant_code

RATE_PLACES = Decimal("0.0001")
ENDED = (TaskState.CLOSED, TaskState.CANCELLED)
TASK_FIELDS = (
    "pk",
    "lead_department_id",
    "year",
    "deadline",
    "status",
    "completed_on",
    "assigned_at",
    "reporting_cycle",
)


@dataclass(frozen=True)
class Discipline:
    """One department's discipline in a period."""

    owed: int = 0  # progress reports owed at the cut-offs in the period
    on_time: int = 0  # of them, recorded by their cut-off
    overdue_tasks: int = 0  # key tasks overdue at the period's end

    @property
    def on_time_rate(self):
        if not self.owed:
            return None
        return (Decimal(self.on_time) / Decimal(self.owed)).quantize(RATE_PLACES)


def end_of_day(day):
    """The last instant of ``day`` in the site's time zone."""
    naive = datetime.datetime.combine(day, datetime.time.max)
    return timezone.make_aware(naive, timezone.get_default_timezone())


@dataclass
class TaskLife:
    """A key task as stored, with its loop steps (at, from_state, to_state) in order."""

    task: dict
    steps: list = field(default_factory=list)

    @property
    def opened_at(self):
        """When the task was handed out; a task from before the loop: its year's start."""
        if self.task["assigned_at"] is not None:
            return self.task["assigned_at"]
        start = datetime.datetime.combine(datetime.date(self.task["year"], 1, 1), datetime.time())
        return timezone.make_aware(start, timezone.get_default_timezone())

    def state_at(self, moment):
        """The task's loop state at ``moment``; None before it was handed out."""
        task = self.task
        done_on = task["completed_on"] if task["status"] == TaskStatus.DONE else None
        if done_on is not None and done_on <= timezone.localdate(moment):
            return TaskState.CLOSED
        if moment < self.opened_at:
            return None
        if not self.steps:
            # Before the loop: open until done, and a cancellation has no date to go by.
            cancelled = task["status"] == TaskStatus.CANCELLED
            return TaskState.CANCELLED if cancelled else TaskState.IN_PROGRESS
        state = self.steps[0][1] or None  # before its first step (a task older than the loop)
        for at, _from_state, to_state in self.steps:
            if at > moment:
                break
            state = to_state
        return state

    def is_overdue(self, day, calendar):
        """Open at the end of ``day`` with its deadline (next working day) before it."""
        state = self.state_at(end_of_day(day))
        if state is None or state in ENDED:
            return False
        return calendar.next_workday(self.task["deadline"]) < day

    def owes(self, cycle):
        """Did the task owe a report at ``cycle``'s cut-off (tracker.reporting's rule)?"""
        if self.opened_at > cycle.opens_at:
            return False  # handed out during the cycle: its first report is due at the next
        return self.state_at(cycle.cutoff) in CHASED_TASK_STATES


def cycles_in(name, period, calendar):
    """The report cycles of ``name`` whose cut-off falls in the period, latest first."""
    cycles = []
    cycle = last_cycle(name, end_of_day(period.end), calendar)
    while timezone.localdate(cycle.cutoff) >= period.start:
        cycles.append(cycle)
        cycle = last_cycle(name, cycle.opens_at, calendar)
    return cycles


def candidate_tasks(period, tenant=None):
    """The tenant's tasks that can count in the period: not done before it began, handed
    out by its end."""
    end = end_of_day(period.end)
    return KeyTask.objects.for_tenants([tenant_code(tenant)]).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gte=period.start),
        Q(assigned_at__isnull=True) | Q(assigned_at__lte=end),
        year__lte=period.end.year,
    )


def task_lives(period, tenant=None):
    """[TaskLife] of the candidate tasks, with their steps (two queries)."""
    tasks = candidate_tasks(period, tenant)
    lives = {row["pk"]: TaskLife(row) for row in tasks.order_by("pk").values(*TASK_FIELDS)}
    steps = (
        TaskTransition.objects.filter(task__in=tasks.values("pk"))
        .order_by("task_id", "at", "pk")
        .values_list("task_id", "at", "from_state", "to_state")
    )
    for task_id, at, from_state, to_state in steps:
        lives[task_id].steps.append((at, from_state, to_state))
    return list(lives.values())


def report_times(period, cycles, tenant=None):
    """{task id: sorted moments its reports were recorded} within the cycles (one query)."""
    every = [cycle for listed in cycles.values() for cycle in listed]
    if not every:
        return {}
    reports = TaskUpdate.objects.filter(
        task__in=candidate_tasks(period, tenant).values("pk"),
        created_at__gt=min(cycle.opens_at for cycle in every),
        created_at__lte=max(cycle.cutoff for cycle in every),
    ).values_list("task_id", "created_at")
    times = defaultdict(list)
    for task_id, created_at in reports:
        times[task_id].append(created_at)
    return {task_id: sorted(moments) for task_id, moments in times.items()}


def reported_in(moments, cycle):
    """Was a report recorded after the cycle opened and by its cut-off?"""
    index = bisect.bisect_right(moments, cycle.opens_at)
    return index < len(moments) and moments[index] <= cycle.cutoff


def discipline(period, calendar=None, tenant=None):
    """{department id: Discipline} for every department of ``tenant`` (default: the acting
    one) leading a task that counts."""
    calendar = workday_calendar() if calendar is None else calendar
    lives = task_lives(period, tenant)
    names = {cycle_name(life.task["reporting_cycle"], default_cycle()) for life in lives}
    cycles = {name: cycles_in(name, period, calendar) for name in names - {None}}
    times = report_times(period, cycles, tenant)
    counts = defaultdict(lambda: [0, 0, 0])  # owed, on time, overdue
    for life in lives:
        counted = counts[life.task["lead_department_id"]]
        counted[2] += life.is_overdue(period.end, calendar)
        name = cycle_name(life.task["reporting_cycle"], default_cycle())
        for cycle in cycles.get(name, ()):
            if life.owes(cycle):
                counted[0] += 1
                counted[1] += reported_in(times.get(life.task["pk"], []), cycle)
    return {
        department_id: Discipline(owed=owed, on_time=on_time, overdue_tasks=overdue)
        for department_id, (owed, on_time, overdue) in counts.items()
    }


def overdue_task_ids(period, calendar=None, tenant=None):
    """The ids of the tenant's key tasks overdue at the period's end (the bulletin lists them)."""
    calendar = workday_calendar() if calendar is None else calendar
    lives = task_lives(period, tenant)
    return [life.task["pk"] for life in lives if life.is_overdue(period.end, calendar)]


def default_cycle():
    return settings.TRACKER_TASK_REPORT_CYCLE
