"""Project admin rules beyond the generic matrix: report validation, history, auditing.

The department rule on every project page (change, add, delete, report, anonymous) is
declared in test_permission_cases.py; what is here belongs to projects alone.
"""

import pytest
from django.urls import reverse

from core.testing.admin_forms import admin_form_data
from projects.choices import Stage
from projects.models import Project, ProjectUpdate

pytestmark = pytest.mark.django_db


def change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def report_url(project):
    return reverse("admin:projects_project_report", args=[project.pk])


def snapshot(project):
    return Project.objects.values().get(pk=project.pk)


def test_bad_status_report_says_why_and_changes_nothing(client, official_user, project):
    client.force_login(official_user)
    before = snapshot(project)
    response = client.post(
        report_url(project),
        {"reported_on": "2023-05-05", "stage": Stage.SIGNED, "funds_in_place": "-5"},
    )
    assert response.status_code == 200
    assert "funds_in_place" in response.context["form"].errors
    future = client.post(
        report_url(project),
        {"reported_on": "2999-01-01", "stage": Stage.SIGNED, "funds_in_place": "5"},
    )
    assert "填报日期不能晚于今天" in future.content.decode()
    assert snapshot(project) == before
    assert not ProjectUpdate.objects.exists()


def test_history_page_shows_who_changed_what(client, supervisor_user, project):
    client.force_login(supervisor_user)
    page = client.get(change_url(project))
    client.post(change_url(project), admin_form_data(page, investor="新投资方"))
    history = client.get(reverse("admin:projects_project_history", args=[project.pk]))
    text = history.content.decode()
    assert history.status_code == 200
    assert "supervisor" in text and "新投资方" in text


def test_department_and_pairing_changes_are_audited(client, supervisor_user, department, beijing):
    from regions.models import CounterpartPairing

    client.force_login(supervisor_user)
    url = reverse("admin:tracker_department_change", args=[department.pk])
    client.post(url, admin_form_data(client.get(url), email="commerce@example.com"))
    record = department.history.latest()
    assert record.history_user == supervisor_user and record.email == "commerce@example.com"
    add = reverse("admin:regions_counterpartpairing_add")
    client.post(
        add,
        admin_form_data(
            client.get(add),
            home=str(department.division_id),
            counterpart=str(beijing.pk),
            areas="产业承接",
        ),
    )
    pairing = CounterpartPairing.objects.get()
    assert pairing.history.get().history_user == supervisor_user
