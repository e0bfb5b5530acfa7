"""A change built on an old copy never silently undoes what was recorded meanwhile."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.testing.admin_forms import admin_form_data
from projects.choices import Stage
from projects.models import Project
from projects.services import record_project_update, save_project
from tracker.choices import TaskStatus
from tracker.services import record_task_update

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 5, 5)


def test_a_stale_admin_form_is_refused_and_shows_the_current_values(client, official_user, project):
    client.force_login(official_user)
    url = reverse("admin:projects_project_change", args=[project.pk])
    stale_page = client.get(url)
    # Meanwhile a report moves the project on to construction.
    record_project_update(
        project=project,
        reported_on=DAY,
        stage=Stage.UNDER_CONSTRUCTION,
        funds_in_place=Decimal("100"),
        author=official_user,
    )
    response = client.post(url, admin_form_data(stale_page, investor="新投资方"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "其他人已保存了该记录" in page  # the Chinese message says someone else saved
    assert "开工在建" in page  # the current stage is shown
    project.refresh_from_db()
    assert project.stage == Stage.UNDER_CONSTRUCTION
    assert project.investor != "新投资方"
    # The official reads the current page and applies the change again: it works.
    again = client.post(url, admin_form_data(client.get(url), investor="新投资方"))
    assert again.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.investor) == (Stage.UNDER_CONSTRUCTION, "新投资方")


def test_a_stale_copy_is_refused_by_the_service_itself(project):
    from core.concurrency import StaleObjectError

    stale = Project.objects.get(pk=project.pk)
    record_project_update(
        project=project, reported_on=DAY, stage=Stage.SIGNED, funds_in_place=Decimal("0")
    )
    stale.name = "旧副本"
    with pytest.raises(StaleObjectError):
        save_project(stale)
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED and project.name != "旧副本"


def test_the_api_answers_412_to_a_stale_if_match_and_carries_the_etag(official_user, project):
    client = APIClient()
    client.force_authenticate(official_user)
    url = f"/api/v1/projects/{project.pk}/"
    etag = client.get(url)["ETag"]
    record_project_update(
        project=project, reported_on=DAY, stage=Stage.SIGNED, funds_in_place=Decimal("0")
    )
    stale = client.patch(url, {"investor": "X"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "ETag" in stale.json()["detail"]
    current = client.get(url)["ETag"]
    assert current != etag
    fresh = client.patch(url, {"investor": "X"}, format="json", HTTP_IF_MATCH=current)
    assert fresh.status_code == 200
    assert fresh["ETag"] != current
    project.refresh_from_db()
    assert (project.investor, project.stage) == ("X", Stage.SIGNED)


def test_a_plain_edit_cannot_move_a_reported_project_behind_its_latest_report(
    official_user, project
):
    record_project_update(
        project=project,
        reported_on=DAY,
        stage=Stage.UNDER_CONSTRUCTION,
        funds_in_place=Decimal("100"),
    )
    client = APIClient()
    client.force_authenticate(official_user)
    response = client.patch(
        f"/api/v1/projects/{project.pk}/", {"stage": Stage.SIGNED}, format="json"
    )
    assert response.status_code == 400
    assert "stage" in response.json()
    project.refresh_from_db()
    assert project.stage == Stage.UNDER_CONSTRUCTION


def test_a_plain_edit_cannot_change_a_reported_tasks_status(supervisor_user, task):
    record_task_update(task=task, reported_on=DAY, status=TaskStatus.IN_PROGRESS, progress=40)
    client = APIClient()
    client.force_authenticate(supervisor_user)
    response = client.patch(f"/api/v1/tasks/{task.pk}/", {"progress": 10}, format="json")
    assert response.status_code == 400
    assert "progress" in response.json()
    task.refresh_from_db()
    assert task.progress == 40


def test_an_official_cannot_hand_their_project_to_another_department_in_the_admin(
    client, official_user, project, other_department
):
    client.force_login(official_user)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = client.get(url)
    data = admin_form_data(page, responsible_department=str(other_department.pk))
    response = client.post(url, data)
    assert response.status_code == 200  # the form offers their own department only
    project.refresh_from_db()
    assert project.responsible_department_id != other_department.pk


def test_the_service_refuses_a_hand_over_and_rolls_it_back(
    official_user, project, other_department
):
    from django.core.exceptions import PermissionDenied

    project.responsible_department = other_department
    with pytest.raises(PermissionDenied):
        save_project(project, by=official_user)
    project.refresh_from_db()
    assert project.responsible_department_id != other_department.pk


def test_history_cannot_be_reverted_even_by_a_supervisor(client, supervisor_user, project):
    client.force_login(supervisor_user)
    project.name = "改过的名字"
    save_project(project, by=supervisor_user)
    first = project.history.earliest()
    url = reverse("admin:projects_project_simple_history", args=[project.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode() and "恢复" not in page.content.decode()
    assert client.post(url, {"name": first.name}).status_code == 403
    project.refresh_from_db()
    assert project.name == "改过的名字"
