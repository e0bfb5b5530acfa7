"""Department rules on every project admin view and action, enforced on the server."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import admin_form_data
from projects.choices import Stage
from projects.models import Project, ProjectUpdate

pytestmark = pytest.mark.django_db


def change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def report_url(project):
    return reverse("admin:projects_project_report", args=[project.pk])


def snapshot(project):
    return Project.objects.values().get(pk=project.pk)


@pytest.fixture
def other_project(project, other_department):
    return Project.objects.create(
        code="DZ-2023-002",
        name="别的部门的项目",
        host_division=project.host_division,
        responsible_department=other_department,
        year=2023,
    )


def test_official_changes_own_project_and_the_change_is_audited(client, official_user, project):
    client.force_login(official_user)
    page = client.get(change_url(project))
    response = client.post(change_url(project), admin_form_data(page, investor="新投资方"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.investor == "新投资方"
    latest = project.history.latest()
    assert latest.history_user == official_user
    assert latest.diff_against(latest.prev_record).changed_fields == ["investor"]


def test_official_reads_but_cannot_change_another_departments_project(
    client, official_user, other_project
):
    client.force_login(official_user)
    page = client.get(change_url(other_project))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    before = snapshot(other_project)
    data = {"name": "篡改", "responsible_department": str(other_project.responsible_department_id)}
    assert client.post(change_url(other_project), data).status_code == 403
    assert snapshot(other_project) == before


def test_official_cannot_hand_own_project_to_another_department(
    client, official_user, project, other_department
):
    client.force_login(official_user)
    page = client.get(change_url(project))
    before = snapshot(project)
    response = client.post(
        change_url(project),
        admin_form_data(page, responsible_department=str(other_department.pk)),
    )
    assert response.status_code == 200
    assert "responsible_department" in response.context["adminform"].form.errors
    assert snapshot(project) == before


def test_official_adds_projects_only_for_own_department(
    client, official_user, project, department, other_department
):
    client.force_login(official_user)
    url = reverse("admin:projects_project_add")
    page = client.get(url)
    base = admin_form_data(
        page,
        code="DZ-NEW-1",
        name="新项目",
        host_division=str(project.host_division_id),
        year="2026",
        stage=Stage.LEAD,
        total_investment="20000",
        funds_in_place="0",
    )
    refused = client.post(url, {**base, "responsible_department": str(other_department.pk)})
    assert refused.status_code == 200
    assert not Project.objects.filter(code="DZ-NEW-1").exists()
    accepted = client.post(url, {**base, "responsible_department": str(department.pk)})
    assert accepted.status_code == 302
    assert Project.objects.get(code="DZ-NEW-1").responsible_department == department


def test_official_cannot_delete_projects(client, official_user, project):
    client.force_login(official_user)
    url = reverse("admin:projects_project_delete", args=[project.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_official_records_status_of_own_project(client, official_user, project):
    client.force_login(official_user)
    assert client.get(report_url(project)).status_code == 200
    response = client.post(
        report_url(project),
        {
            "reported_on": "2023-05-05",
            "stage": Stage.SIGNED,
            "funds_in_place": "1200.50",
            "note": "签约",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.funds_in_place) == (Stage.SIGNED, Decimal("1200.50"))
    assert project.signed_on == datetime.date(2023, 5, 5)
    update = ProjectUpdate.objects.get()
    assert update.author == official_user
    # The project's page shows it at once, in its history.
    assert "签约" in client.get(change_url(project)).content.decode()


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


def test_official_cannot_report_on_another_departments_project(
    client, official_user, other_project
):
    client.force_login(official_user)
    before = snapshot(other_project)
    assert client.get(report_url(other_project)).status_code == 403
    response = client.post(
        report_url(other_project),
        {"reported_on": "2023-05-05", "stage": Stage.SIGNED, "funds_in_place": "1"},
    )
    assert response.status_code == 403
    assert snapshot(other_project) == before
    assert not ProjectUpdate.objects.exists()


def test_supervisor_changes_and_reports_on_any_project(client, supervisor_user, other_project):
    client.force_login(supervisor_user)
    page = client.get(change_url(other_project))
    response = client.post(change_url(other_project), admin_form_data(page, investor="央企"))
    assert response.status_code == 302
    response = client.post(
        report_url(other_project),
        {"reported_on": "2023-05-05", "stage": Stage.NEGOTIATING, "funds_in_place": "0"},
    )
    assert response.status_code == 302
    other_project.refresh_from_db()
    assert (other_project.investor, other_project.stage) == ("央企", Stage.NEGOTIATING)


def test_reports_are_history_nobody_edits_or_deletes(client, supervisor_user, project):
    update = ProjectUpdate.objects.create(
        project=project,
        reported_on=datetime.date(2023, 1, 1),
        stage=Stage.LEAD,
        funds_in_place=0,
    )
    client.force_login(supervisor_user)
    change = reverse("admin:projects_projectupdate_change", args=[update.pk])
    assert client.post(change, {"note": "改写"}).status_code == 403
    delete = reverse("admin:projects_projectupdate_delete", args=[update.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    update.refresh_from_db()
    assert update.note == ""


@pytest.mark.parametrize(
    "url_name", ["projects_project_changelist", "projects_project_add", "projects_project_report"]
)
def test_nobody_without_an_account_sees_anything(client, project, url_name):
    args = [project.pk] if url_name.endswith("report") else []
    response = client.get(reverse(f"admin:{url_name}", args=args))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_user_without_official_profile_sees_nothing(client, django_user_model, project):
    user = django_user_model.objects.create_user("stranger", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 403
    assert client.get(report_url(project)).status_code == 403


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
