"""My work: each kind of item appears for the right department only, most urgent first,
in a number of queries that does not grow with the items."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from mobile.work import LATE, TO_DO, WAITING, department_work, office_work
from projects.blockers import assign_blocker
from tracker import loop
from tracker.choices import TaskState, TaskStatus
from tracker.ladder import LoopContext, rung_reached
from tracker.models import KeyTask

pytestmark = pytest.mark.django_db


def work_of(user):
    with translation.override("en"):
        items = department_work(user, user.official.department_id)
    return {item.key: item for item in items}


def tiers(item):
    return {reason.tier for reason in item.reasons}


def new_task(task, code, deadline, department=None, **fields):
    return KeyTask.objects.create(
        code=code,
        year=2023,
        title=f"任务 {code}",
        work_point=task.work_point,
        lead_department=department or task.lead_department,
        deadline=deadline,
        **fields,
    )


def test_a_task_to_acknowledge_is_the_lead_departments_only(
    task, official_user, other_official_user
):
    task.assigned_at = timezone.now()
    task.save()

    mine = work_of(official_user)[f"task:{task.pk}"]

    assert mine.url == f"/m/tasks/{task.pk}/receive/"
    assert any(r.tier == TO_DO and "receipt" in r.text.lower() for r in mine.reasons)
    assert f"task:{task.pk}" not in work_of(other_official_user)


def test_a_receipt_past_its_due_moment_is_late(task, official_user):
    task.assigned_at = timezone.now() - datetime.timedelta(days=30)
    task.save()

    receipt = work_of(official_user)[f"task:{task.pk}"].reasons[0]

    assert receipt.tier == LATE


def test_a_key_project_without_its_report_this_cycle_is_listed(
    project, official_user, other_official_user
):
    project.is_key = True
    project.created_at = timezone.now() - datetime.timedelta(days=60)
    project.save()

    item = work_of(official_user)[f"project:{project.pk}"]

    assert item.url == f"/m/projects/{project.pk}/"
    assert [r.tier for r in item.reasons] == [LATE]
    assert f"project:{project.pk}" not in work_of(other_official_user)


def test_an_overdue_task_shows_the_rung_of_the_ladder_it_reached(task, official_user):
    loop.receive_task(task, by=official_user)
    context = LoopContext()
    rung = rung_reached(task.deadline, context.today, context.rungs, context.calendar)

    item = work_of(official_user)[f"task:{task.pk}"]

    overdue = [r for r in item.reasons if str(task.deadline) in r.text]
    assert rung is not None and overdue and rung.name in overdue[0].text
    assert overdue[0].tier == LATE


def test_a_project_milestone_past_due_is_the_projects_item(project, official_user):
    project.stage = "signed"
    project.signed_on = datetime.date(2023, 1, 5)
    project.planned_start_on = datetime.date(2023, 3, 1)
    project.save()

    item = work_of(official_user)[f"project:{project.pk}"]

    assert any("2023-03-01" in r.text and r.tier == LATE for r in item.reasons)


def test_problems_to_coordinate_and_those_awaiting_the_office(
    raised, official_user, other_official_user, supervisor_user, other_department, project
):
    assert tiers(work_of(official_user)[f"blocker:{raised.pk}"]) == {WAITING}
    assert f"blocker:{raised.pk}" not in work_of(other_official_user)

    assign_blocker(
        raised,
        by=supervisor_user,
        coordinating_department=other_department,
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )

    coordinate = work_of(other_official_user)[f"blocker:{raised.pk}"]
    assert tiers(coordinate) == {TO_DO}
    assert coordinate.url == f"/m/problems/{raised.pk}/"
    # Assigned, it no longer waits on the office: not the raising department's to do.
    assert f"blocker:{raised.pk}" not in work_of(official_user)


def test_a_returned_completion_request_comes_back_with_the_offices_reason(
    task, official_user, other_official_user, supervisor_user
):
    task.deadline = timezone.localdate() + datetime.timedelta(days=60)
    task.save()
    loop.receive_task(task, by=official_user)
    loop.request_completion(task, by=official_user, note="已完成")
    loop.return_task(task, by=supervisor_user, note="缺少验收材料")

    item = work_of(official_user)[f"task:{task.pk}"]

    assert any("缺少验收材料" in r.text and r.tier == TO_DO for r in item.reasons)
    assert f"task:{task.pk}" not in work_of(other_official_user)
    # Asked again, it waits on the office: off the department's list.
    loop.request_completion(task, by=official_user, note="补充了材料")
    assert f"task:{task.pk}" not in work_of(official_user)


def test_items_are_ordered_late_first_then_by_date_then_waiting(
    task, raised, official_user, supervisor_user, department, other_department
):
    loop.receive_task(task, by=official_user)  # due 2023-06-30: late
    older = new_task(task, "KT-2023-000", datetime.date(2023, 1, 31))
    loop.receive_task(older, by=official_user)
    soon = new_task(
        task, "KT-2023-009", timezone.localdate() + datetime.timedelta(days=40), department
    )
    soon.assigned_at = timezone.now()
    soon.save()  # awaiting receipt, not late yet
    keys = [item.key for item in department_work(official_user, department.pk)]

    assert keys.index(f"task:{older.pk}") < keys.index(f"task:{task.pk}")
    assert keys.index(f"task:{task.pk}") < keys.index(f"task:{soon.pk}")
    assert keys[-1] == f"blocker:{raised.pk}"  # waits on the office


def test_the_number_of_queries_does_not_grow_with_the_items(
    task, official_user, raised, supervisor_user, project
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            items = department_work(official_user, official_user.official.department_id)
        return len(captured), len(items)

    few, count = queries()
    for number in range(10):
        new_task(task, f"KT-2023-1{number:02d}", datetime.date(2023, 2, 1 + number))
        loop.receive_task(KeyTask.objects.get(code=f"KT-2023-1{number:02d}"), by=official_user)
    many, more = queries()

    assert more >= count + 10
    assert many == few
    assert few <= 15


def test_the_office_sees_what_waits_on_it(task, raised, official_user, supervisor_user):
    loop.receive_task(task, by=official_user)
    loop.request_completion(task, by=official_user, note="完成")

    with translation.override("en"):
        office = office_work(supervisor_user)

    counts = dict(office.counts)
    assert [t.pk for t in office.completion_requests] == [task.pk]
    assert [b.pk for b in office.problems_to_assign] == [raised.pk]
    assert counts["Completion requests to close"] == 1
    assert counts["Problems awaiting assignment"] == 1


def test_closed_and_cancelled_tasks_are_never_listed(task, official_user, supervisor_user):
    loop.cancel_task(task, by=supervisor_user, note="不再需要")

    assert KeyTask.objects.get(pk=task.pk).state == TaskState.CANCELLED
    assert KeyTask.objects.get(pk=task.pk).status == TaskStatus.CANCELLED
    assert f"task:{task.pk}" not in work_of(official_user)
