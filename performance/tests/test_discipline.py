"""Reporting discipline for a period, read from the stored history: key tasks overdue at
the period's end (deadlines on a day off fall due on the next working day), and the share
of progress reports owed at the period's cut-offs that came in by them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from performance.discipline import discipline, overdue_task_ids
from performance.periods import PeriodKind, period_of
from tracker.choices import LoopAction, TaskState, TaskStatus
from tracker.models import KeyTask, TaskTransition, TaskUpdate

pytestmark = pytest.mark.django_db

D = datetime.date
NOVEMBER = period_of(PeriodKind.MONTH, D(2023, 11, 15))


def at(day, hour=10, minute=0):
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def make_task(work_point, department, code, deadline, **fields):
    return KeyTask.objects.create(
        code=code,
        year=2023,
        title=f"任务{code}",
        work_point=work_point,
        lead_department=department,
        deadline=deadline,
        **fields,
    )


def report(task, moment, status=TaskStatus.IN_PROGRESS):
    update = TaskUpdate.objects.create(
        task=task, reported_on=timezone.localdate(moment), status=status, progress=50
    )
    TaskUpdate.objects.filter(pk=update.pk).update(created_at=moment)


def step(task, moment, action, from_state, to_state):
    transition = TaskTransition.objects.create(
        task=task, action=action, from_state=from_state, to_state=to_state
    )
    TaskTransition.objects.filter(pk=transition.pk).update(at=moment)


def test_a_deadline_on_a_day_off_falls_due_on_the_next_working_day(work_point, department):
    # 1 October 2023 is National Day; Saturday 7 October is the make-up working day.
    make_task(work_point, department, "KT-H", D(2023, 10, 1))
    on_the_due_day = period_of(PeriodKind.WEEK, D(2023, 10, 7))  # ends Sunday 8 October
    assert on_the_due_day.end == D(2023, 10, 8)
    assert discipline(on_the_due_day)[department.pk].overdue_tasks == 1
    up_to_the_due_day = period_of(PeriodKind.YEAR, D(2023, 10, 7))  # ends on that day
    assert discipline(up_to_the_due_day)[department.pk].overdue_tasks == 0


def test_overdue_at_the_period_s_end_as_the_history_tells_it(
    work_point, department, other_department
):
    make_task(work_point, department, "KT-OPEN", D(2023, 11, 10))
    make_task(
        work_point,
        department,
        "KT-DONE-EARLY",
        D(2023, 11, 10),
        status=TaskStatus.DONE,
        completed_on=D(2023, 11, 20),
        progress=100,
    )
    make_task(
        work_point,
        department,
        "KT-DONE-LATE",
        D(2023, 11, 10),
        status=TaskStatus.DONE,
        completed_on=D(2023, 12, 5),
        progress=100,
    )
    make_task(work_point, department, "KT-NOT-YET", D(2023, 11, 30))  # due on the last day
    make_task(work_point, department, "KT-CANCELLED", D(2023, 11, 1), status="cancelled")
    cancelled_later = make_task(
        work_point, other_department, "KT-CANCELLED-LATER", D(2023, 11, 1), status="cancelled"
    )
    step(cancelled_later, at(D(2023, 1, 3)), LoopAction.ASSIGN, "", TaskState.RECEIVED)
    step(cancelled_later, at(D(2023, 12, 4)), LoopAction.CANCEL, "received", "cancelled")

    november = discipline(NOVEMBER)
    assert november[department.pk].overdue_tasks == 2  # open, and done only in December
    overdue = KeyTask.objects.filter(pk__in=overdue_task_ids(NOVEMBER))
    assert set(overdue.values_list("code", flat=True)) == {
        "KT-OPEN",
        "KT-DONE-LATE",
        "KT-CANCELLED-LATER",
    }
    assert november[other_department.pk].overdue_tasks == 1  # cancelled only in December
    december = discipline(period_of(PeriodKind.MONTH, D(2023, 12, 31)))
    assert december[department.pk].overdue_tasks == 2  # open, and due on 30 November
    assert december[other_department.pk].overdue_tasks == 0


def test_on_time_rate_of_the_reports_owed_at_the_period_s_cut_offs(
    work_point, department, other_department
):
    # Monthly cut-off: the 25th at 23:59; 25 November 2023 is a Saturday, so Monday 27.
    on_time = make_task(work_point, department, "KT-ON-TIME", D(2024, 6, 30))
    report(on_time, at(D(2023, 11, 10)))
    late = make_task(work_point, department, "KT-LATE", D(2024, 6, 30))
    report(late, at(D(2023, 11, 28)))  # after the cut-off: late, though it ends the chase
    report(late, at(D(2023, 10, 25), 23, 0))  # before the cycle opened (25 October 23:59)
    fresh = make_task(work_point, department, "KT-FRESH", D(2024, 6, 30))
    KeyTask.objects.filter(pk=fresh.pk).update(assigned_at=at(D(2023, 11, 1)))
    make_task(work_point, department, "KT-EXEMPT", D(2024, 6, 30), reporting_cycle="none")
    requested = make_task(work_point, department, "KT-REQUESTED", D(2024, 6, 30))
    step(requested, at(D(2023, 1, 3)), LoopAction.ASSIGN, "", TaskState.RECEIVED)
    step(
        requested,
        at(D(2023, 11, 20)),
        LoopAction.REQUEST_COMPLETION,
        "received",
        "completion_requested",
    )
    # Weekly: cut-offs on Fridays 3, 10, 17 and 24 November at 17:00.
    weekly = make_task(
        work_point, other_department, "KT-WEEKLY", D(2024, 6, 30), reporting_cycle="weekly"
    )
    report(weekly, at(D(2023, 11, 2)))
    report(weekly, at(D(2023, 11, 17), 16, 59))
    report(weekly, at(D(2023, 11, 17), 17, 1))  # counts for the week to 24 November

    result = discipline(NOVEMBER)
    ours = result[department.pk]
    assert (ours.owed, ours.on_time) == (2, 1)  # fresh, exempt and awaiting close-out owe none
    assert ours.on_time_rate == Decimal("0.5000")
    theirs = result[other_department.pk]
    assert (theirs.owed, theirs.on_time, theirs.on_time_rate) == (4, 3, Decimal("0.7500"))


def test_no_rate_when_nothing_was_owed(work_point, department):
    make_task(work_point, department, "KT-1", D(2023, 12, 31))
    first_week = period_of(PeriodKind.WEEK, D(2023, 1, 2))  # opened 1 January: no cut-off owed
    record = discipline(first_week)[department.pk]
    assert record.owed == 0 and record.on_time_rate is None and record.overdue_tasks == 0


def test_a_constant_number_of_queries_whatever_the_number_of_tasks(
    work_point, department, other_department, django_assert_num_queries
):
    def load(first, count):
        for n in range(first, first + count):
            task = make_task(work_point, department, f"KT-{n}", D(2023, 11, 1))
            report(task, at(D(2023, 11, 3)))
            step(task, at(D(2023, 1, 3)), LoopAction.ASSIGN, "", TaskState.RECEIVED)

    load(0, 2)
    with django_assert_num_queries(4):  # calendar, tasks, steps, reports
        small = discipline(NOVEMBER)
    load(2, 30)
    with django_assert_num_queries(4):
        large = discipline(NOVEMBER)
    assert small[department.pk].owed == 2 and large[department.pk].owed == 32
