"""Department rules on every key-task admin view and action, and account creation."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import reverse

from conftest import admin_form_data
from tracker import roles
from tracker.choices import TaskStatus
from tracker.models import KeyTask, Official, TaskUpdate

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:tracker_keytask_changelist"


def change_url(task):
    return reverse("admin:tracker_keytask_change", args=[task.pk])


def report_url(task):
    return reverse("admin:tracker_keytask_report", args=[task.pk])


def snapshot(task):
    return KeyTask.objects.values().get(pk=task.pk)


@pytest.fixture
def other_task(task, other_department):
    return KeyTask.objects.create(
        code="KT-2023-002",
        year=2023,
        title="别的部门的任务",
        work_point=task.work_point,
        lead_department=other_department,
        deadline=datetime.date(2023, 9, 30),
    )


def test_official_changes_own_task(client, official_user, task):
    client.force_login(official_user)
    page = client.get(change_url(task))
    response = client.post(change_url(task), admin_form_data(page, title="新标题"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "新标题"
    assert task.history.latest().history_user == official_user


def test_official_cannot_change_another_departments_task(client, official_user, other_task):
    client.force_login(official_user)
    assert client.get(change_url(other_task)).status_code == 200  # may read
    before = snapshot(other_task)
    assert client.post(change_url(other_task), {"title": "篡改"}).status_code == 403
    assert snapshot(other_task) == before


def test_official_cannot_move_own_task_to_another_department(
    client, official_user, task, other_department
):
    client.force_login(official_user)
    page = client.get(change_url(task))
    before = snapshot(task)
    response = client.post(
        change_url(task), admin_form_data(page, lead_department=str(other_department.pk))
    )
    assert response.status_code == 200
    assert snapshot(task) == before


def test_official_adds_tasks_only_for_own_department(
    client, official_user, task, department, other_department
):
    client.force_login(official_user)
    url = reverse("admin:tracker_keytask_add")
    base = admin_form_data(
        client.get(url),
        code="KT-NEW",
        year="2023",
        title="新任务",
        work_point=str(task.work_point_id),
        deadline="2023-12-31",
        status=TaskStatus.NOT_STARTED,
        progress="0",
    )
    assert (
        client.post(url, {**base, "lead_department": str(other_department.pk)}).status_code == 200
    )
    assert not KeyTask.objects.filter(code="KT-NEW").exists()
    assert client.post(url, {**base, "lead_department": str(department.pk)}).status_code == 302
    assert KeyTask.objects.get(code="KT-NEW").lead_department == department


def test_official_cannot_delete_tasks(client, official_user, task):
    client.force_login(official_user)
    url = reverse("admin:tracker_keytask_delete", args=[task.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert KeyTask.objects.filter(pk=task.pk).exists()


def test_official_records_progress_of_own_task(client, official_user, task):
    client.force_login(official_user)
    response = client.post(
        report_url(task),
        {"reported_on": "2023-05-20", "status": TaskStatus.IN_PROGRESS, "progress": "60"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 60)
    assert TaskUpdate.objects.get().author == official_user


def test_official_cannot_record_progress_of_another_departments_task(
    client, official_user, other_task
):
    client.force_login(official_user)
    before = snapshot(other_task)
    response = client.post(
        report_url(other_task),
        {"reported_on": "2023-05-20", "status": TaskStatus.DONE, "progress": "100"},
    )
    assert response.status_code == 403
    assert snapshot(other_task) == before
    assert not TaskUpdate.objects.exists()


def mark_done(client, tasks, date="2023-06-15"):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "mark_done",
            "_selected_action": [t.pk for t in tasks],
            "apply": "1",
            "completed_on": date,
        },
        follow=True,
    )


def test_bulk_done_refuses_a_selection_with_another_departments_task(
    client, official_user, task, other_task
):
    client.force_login(official_user)
    response = mark_done(client, [task, other_task])
    assert "属于其他部门" in response.content.decode()
    assert KeyTask.objects.filter(status=TaskStatus.DONE).count() == 0
    assert not TaskUpdate.objects.exists()


def test_bulk_done_asks_for_the_date_then_marks_own_tasks(client, official_user, task):
    client.force_login(official_user)
    form = client.post(reverse(CHANGELIST), {"action": "mark_done", "_selected_action": [task.pk]})
    assert form.status_code == 200 and "completed_on" in form.content.decode()
    mark_done(client, [task], "2023-06-15")
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.DONE, datetime.date(2023, 6, 15))
    assert task.updates.get().status == TaskStatus.DONE


def test_supervisor_marks_any_task_done(client, supervisor_user, task, other_task):
    client.force_login(supervisor_user)
    mark_done(client, [task, other_task])
    assert KeyTask.objects.filter(status=TaskStatus.DONE).count() == 2


def test_supervisor_creates_an_official_account_for_a_department(
    client, supervisor_user, department
):
    client.force_login(supervisor_user)
    url = reverse("admin:tracker_official_add")
    response = client.post(
        url,
        {
            "username": "new-official",
            "full_name": "张三",
            "email": "zs@example.com",
            "password": "a-long-password",
            "department": str(department.pk),
            "phone": "0534",
            "receives_digest": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    official = Official.objects.get(user__username="new-official")
    assert official.department == department and official.user.is_staff
    assert official.user.groups.get() == Group.objects.get(name=roles.OFFICIALS)
    # django-axes checks every login against its lockouts, and needs a request for that.
    assert client.login(request=HttpRequest(), username="new-official", password="a-long-password")


def test_officials_cannot_create_accounts(client, official_user, department):
    client.force_login(official_user)
    response = client.post(
        reverse("admin:tracker_official_add"),
        {
            "username": "sneaky",
            "password": "a-long-password",
            "department": str(department.pk),
            "is_supervisor": "on",
        },
    )
    assert response.status_code == 403
    assert not Official.objects.filter(user__username="sneaky").exists()


def test_promoting_an_official_moves_them_to_the_supervisors_group(
    client, supervisor_user, official_user
):
    client.force_login(supervisor_user)
    official = official_user.official
    url = reverse("admin:tracker_official_change", args=[official.pk])
    client.post(url, admin_form_data(client.get(url), is_supervisor="on"))
    assert list(official_user.groups.values_list("name", flat=True)) == [roles.SUPERVISORS]


def test_lead_department_cannot_also_support_in_the_admin(client, official_user, task, department):
    client.force_login(official_user)
    page = client.get(change_url(task))
    response = client.post(
        change_url(task), admin_form_data(page, supporting_departments=[str(department.pk)])
    )
    assert response.status_code == 200
    assert not task.supporting_departments.exists()
