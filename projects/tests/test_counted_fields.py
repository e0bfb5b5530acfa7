"""Once a project has reports, its stage dates and total investment are what the counting
rules and the rankings read: an official changes them only through a report, never by an
edit that would move a project into another period; a supervisor may correct them."""

import datetime
from decimal import Decimal

import pytest

from projects.choices import Stage
from projects.models import Project
from projects.services import record_project_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(project):
    record_project_update(
        project=project,
        reported_on=datetime.date(2023, 5, 5),
        stage=Stage.UNDER_CONSTRUCTION,
        funds_in_place=Decimal("1000"),
        today=datetime.date(2023, 12, 31),
    )
    project.refresh_from_db()
    return project


def patch(api_client_for, user, project, **body):
    url = f"/api/v1/projects/{project.pk}/"
    return api_client_for(user).patch(url, {"version": project.version, **body}, format="json")


@pytest.mark.parametrize(
    "body",
    [
        {"started_on": "2026-03-02", "signed_on": "2026-03-01", "planned_start_on": "2026-03-02"},
        {"total_investment": "99999999"},
    ],
)
def test_an_official_cannot_move_a_reported_project_into_another_period(
    api_client_for, official_user, started, body
):
    before = Project.objects.values().get(pk=started.pk)
    response = patch(api_client_for, official_user, started, **body)
    assert response.status_code == 400, response.content
    assert set(response.json()) & set(body) - {"planned_start_on"}
    assert Project.objects.values().get(pk=started.pk) == before


def test_an_official_still_edits_what_counts_nothing(api_client_for, official_user, started):
    response = patch(api_client_for, official_user, started, description="厂房主体封顶")
    assert response.status_code == 200, response.content


def test_a_supervisor_corrects_a_stage_date(api_client_for, supervisor_user, started):
    body = {"signed_on": "2023-05-04", "started_on": "2023-05-04"}
    response = patch(api_client_for, supervisor_user, started, **body)
    assert response.status_code == 200, response.content
    started.refresh_from_db()
    assert started.started_on == datetime.date(2023, 5, 4)
    assert started.history.first().history_user == supervisor_user
