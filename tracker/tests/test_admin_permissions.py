"""Key-task admin rules beyond the generic matrix, and account creation.

The department rule on every key-task page (change, add, delete, report, anonymous) is
declared in test_permission_cases.py; what is here belongs to key tasks or accounts alone.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import reverse

from core.testing.admin_forms import admin_form_data
from tracker import roles
from tracker.choices import TaskState, TaskStatus
from tracker.models import KeyTask, Official

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:tracker_keytask_changelist"


def change_url(task):
    return reverse("admin:tracker_keytask_change", args=[task.pk])


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


def test_officials_cannot_mark_tasks_done_they_request_completion(client, official_user, task):
    client.force_login(official_user)
    client.post(reverse(CHANGELIST), {"action": "mark_done", "_selected_action": [task.pk]})
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and not task.updates.exists()


def test_bulk_done_asks_for_the_date_then_closes_the_tasks(client, supervisor_user, task):
    client.force_login(supervisor_user)
    form = client.post(reverse(CHANGELIST), {"action": "mark_done", "_selected_action": [task.pk]})
    assert form.status_code == 200 and "completed_on" in form.content.decode()
    mark_done(client, [task], "2023-06-15")
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.DONE, datetime.date(2023, 6, 15))
    assert task.updates.get().status == TaskStatus.DONE
    assert task.state == TaskState.CLOSED


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
            "role": "section_chief",
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
