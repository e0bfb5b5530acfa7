"""Reports owed per cycle (按期填报) and receipts owed, on China's real calendar."""

import datetime
import zoneinfo

import pytest

from tracker.choices import TaskState, TaskStatus
from tracker.models import KeyTask, TaskUpdate
from tracker.reporting import KeyTaskReporting, next_report_due
from workdays.calendar import WorkdayCalendar

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def reported(task, moment):
    """A report recorded at ``moment`` (created_at is when it was typed in)."""
    update = TaskUpdate.objects.create(
        task=task, reported_on=moment.date(), status=TaskStatus.IN_PROGRESS, progress=10
    )
    TaskUpdate.objects.filter(pk=update.pk).update(created_at=moment)


def missing(moment):
    return {(item.code, item.what) for item in KeyTaskReporting().missing(moment, calendar())}


def calendar():
    return WorkdayCalendar()


@pytest.fixture
def open_task(task):
    KeyTask.objects.filter(pk=task.pk).update(
        state=TaskState.IN_PROGRESS, status=TaskStatus.IN_PROGRESS, deadline="2026-12-31"
    )
    return KeyTask.objects.get(pk=task.pk)


def test_a_report_before_the_cutoff_satisfies_the_cycle_and_one_after_does_not(open_task):
    # November 2026: the 25th is a Wednesday, a working day; the cut-off is 23:59.
    reported(open_task, at("2026-11-25T23:58"))
    assert missing(at("2026-11-26T08:30")) == set()
    TaskUpdate.objects.all().delete()
    reported(open_task, at("2026-10-26T20:00"))  # the October cycle's (cut-off Oct 26 23:59)
    assert missing(at("2026-11-26T08:30")) == {(open_task.code, "report")}


def test_a_late_report_ends_the_chase(open_task):
    assert missing(at("2026-11-26T08:30")) == {(open_task.code, "report")}
    reported(open_task, at("2026-11-26T09:00"))
    assert missing(at("2026-11-26T10:00")) == set()


def test_a_task_assigned_during_a_cycle_owes_from_the_next_cutoff(open_task):
    KeyTask.objects.filter(pk=open_task.pk).update(assigned_at=at("2026-11-20T09:00"))
    assert missing(at("2026-11-26T08:30")) == set()
    task = KeyTask.objects.get(pk=open_task.pk)
    due = next_report_due(task, at("2026-11-21T09:00"), calendar())
    assert due == at("2026-12-25T23:59")


def test_a_cutoff_on_a_day_off_moves_to_the_next_working_day(open_task):
    # 2026-10-25 is a Sunday: the October cut-off moves to Monday the 26th, 23:59; and
    # Friday 2026-09-25 is the Mid-Autumn Festival: September's moves to Monday the 28th.
    reported(open_task, at("2026-10-26T20:00"))
    assert missing(at("2026-10-27T08:30")) == set()
    TaskUpdate.objects.all().delete()
    reported(open_task, at("2026-09-28T20:00"))
    assert missing(at("2026-09-29T08:30")) == set()
    assert missing(at("2026-10-27T08:30")) == {(open_task.code, "report")}


def test_a_weekly_cutoff_in_the_national_day_holiday_moves_past_it(open_task):
    # National Day 2026: Friday Oct 2 is a holiday, so that week's cut-off moves to the
    # next working day (Thursday Oct 8, 17:00); the next one is Friday Oct 9, 17:00.
    KeyTask.objects.filter(pk=open_task.pk).update(reporting_cycle="weekly")
    reported(open_task, at("2026-10-08T16:00"))
    assert missing(at("2026-10-08T17:30")) == set()
    task = KeyTask.objects.get(pk=open_task.pk)
    due = next_report_due(task, at("2026-10-08T17:30"), calendar(), at("2026-10-08T16:00"))
    assert due == at("2026-10-09T17:00")


def test_no_scheduled_reports_for_an_exempt_or_ended_task(open_task, other_task):
    KeyTask.objects.filter(pk=open_task.pk).update(reporting_cycle="none")
    KeyTask.objects.filter(pk=other_task.pk).update(
        state=TaskState.COMPLETION_REQUESTED, status=TaskStatus.IN_PROGRESS
    )
    assert missing(at("2026-11-26T08:30")) == set()


def test_a_receipt_is_owed_two_working_days_after_assignment(open_task):
    # Assigned on Wednesday Sep 30, before the National Day holiday (Oct 1-8 off): two
    # working days later is Friday Oct 9, not Friday Oct 2.
    KeyTask.objects.filter(pk=open_task.pk).update(
        state=TaskState.ASSIGNED, status=TaskStatus.NOT_STARTED, assigned_at=at("2026-09-30T10:00")
    )
    assert missing(at("2026-10-08T12:00")) == set()
    assert missing(at("2026-10-09T10:01")) == {(open_task.code, "receipt")}


def test_missing_reports_take_a_constant_number_of_queries(
    open_task, work_point, department, django_assert_max_num_queries
):
    KeyTask.objects.bulk_create(
        KeyTask(
            code=f"KT-BULK-{n}",
            year=2026,
            title="批量",
            work_point=work_point,
            lead_department=department,
            deadline=datetime.date(2026, 12, 31),
            state=TaskState.IN_PROGRESS,
            status=TaskStatus.IN_PROGRESS,
        )
        for n in range(40)
    )
    cal = calendar()
    with django_assert_max_num_queries(3):
        assert len(list(KeyTaskReporting().missing(at("2026-11-26T08:30"), cal))) == 41


def test_a_make_up_saturday_counts_as_a_working_day(open_task):
    # Assigned on Friday Oct 9: Saturday Oct 10 is a make-up working day, so two working
    # days later is Monday Oct 12 (it would be Tuesday Oct 13 on a plain week).
    KeyTask.objects.filter(pk=open_task.pk).update(
        state=TaskState.ASSIGNED, status=TaskStatus.NOT_STARTED, assigned_at=at("2026-10-09T10:00")
    )
    assert missing(at("2026-10-12T09:59")) == set()
    assert missing(at("2026-10-12T10:00")) == {(open_task.code, "receipt")}


def test_a_deadline_on_a_holiday_falls_due_when_the_offices_open_again():
    from tracker.ladder import active_rungs, rung_reached, working_days_after_deadline

    cal, rungs = calendar(), active_rungs()
    national_day = datetime.date(2026, 10, 1)
    assert working_days_after_deadline(national_day, datetime.date(2026, 9, 30), cal) == -1
    assert working_days_after_deadline(national_day, datetime.date(2026, 10, 8), cal) == 0
    assert rung_reached(national_day, datetime.date(2026, 9, 30), rungs, cal).working_days == -3
    assert rung_reached(national_day, datetime.date(2026, 10, 8), rungs, cal).working_days == 0


def test_an_owed_report_tells_when_the_task_last_reported_however_it_is_read(open_task, task):
    # The owed rows come from SQL (tracker.reporting.owing); when each last reported is
    # read for the rows kept: every owed row when listed, a department's first few in a
    # digest (notifications.owed.collect_owed).
    from notifications.owed import collect_owed

    reported(open_task, at("2026-10-20T11:00"))
    moment = at("2026-11-26T08:30")
    (item,) = KeyTaskReporting().missing(moment, calendar())
    assert item.last_reported_at == at("2026-10-20T11:00")
    owed = collect_owed(moment, calendar())[open_task.lead_department_id]
    (row,) = owed.reports.section(None)["rows"]
    assert row["item"].last_reported_at == at("2026-10-20T11:00")
    assert owed.reports.total == 1


def test_each_task_owes_on_its_own_cycle(open_task, other_task):
    # Monthly by default (cut-off Nov 25 23:59); the weekly task's cut-off was Friday
    # Nov 20, 17:00, and a report on the 23rd satisfies its current cycle, not the month's.
    KeyTask.objects.filter(pk=other_task.pk).update(
        state=TaskState.IN_PROGRESS, status=TaskStatus.IN_PROGRESS, reporting_cycle="weekly"
    )
    reported(open_task, at("2026-11-23T10:00"))
    reported(other_task, at("2026-11-19T10:00"))
    owed = {
        item.code: item.cutoff
        for item in KeyTaskReporting().missing(at("2026-11-26T08:30"), calendar())
    }
    assert owed == {}
    owed = {
        item.code: item.cutoff
        for item in KeyTaskReporting().missing(at("2026-11-27T18:00"), calendar())
    }
    assert owed == {other_task.code: at("2026-11-27T17:00")}


def test_an_unknown_default_cycle_is_refused_not_taken_as_no_reports(open_task, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.TRACKER_TASK_REPORT_CYCLE = "Monthly"
    with pytest.raises(ImproperlyConfigured, match="Monthly"):
        missing(at("2026-11-26T08:30"))
    settings.TRACKER_TASK_REPORT_CYCLE = "none"
    assert missing(at("2026-11-26T08:30")) == set()
