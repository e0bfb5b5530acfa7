"""Unsolved problems in the statistics and on projects: counted against hand-built data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import blockers as services
from projects.choices import BlockerKind
from projects.models import Blocker

from .test_blocker_api import register  # a fixture

pytestmark = pytest.mark.django_db
STATS = "/api/v1/stats/blockers/"

__all__ = ["register"]


def stats(client, **params):
    response = client.get(STATS, params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_unsolved_problems_by_kind_oldest_first(api_client_for, register, official_user):
    # Raised in this order: open (land), late (energy), escalated (energy), solved.
    answer = stats(api_client_for(official_user, "read"), group_by="kind")
    assert answer["group_by"] == "kind"
    rows = [(g["key"], g["blockers"], g["overdue"]) for g in answer["groups"]]
    assert rows == [("land", 1, 0), ("energy", 2, 1)]
    raised = {b.pk: b.raised_at for b in Blocker.objects.all()}
    land, energy = answer["groups"]
    assert datetime.datetime.fromisoformat(land["oldest_raised_at"]) == raised[register["open"].pk]
    late = raised[register["late"].pk]
    assert datetime.datetime.fromisoformat(energy["oldest_raised_at"]) == late
    assert energy["label"] and land["label"] and energy["label"] != land["label"]
    total = answer["total"]
    assert (total["key"], total["blockers"], total["overdue"]) == (None, 3, 1)
    assert total["oldest_raised_at"] == answer["groups"][0]["oldest_raised_at"]


def test_by_coordinating_department_and_state(
    api_client_for, register, project, other_department, official_user
):
    client = api_client_for(official_user, "read")
    by_department = stats(client, group_by="coordinating_department")
    rows = [(g["key"], g["label"], g["blockers"]) for g in by_department["groups"]]
    # The open problem has no coordinator yet: its group's key is null, oldest first.
    assert rows[1:] == [
        (other_department.pk, "市科学技术局", 1),
        (project.responsible_department_id, "市商务局", 1),
    ]
    assert rows[0][0] is None and rows[0][1] and rows[0][2] == 1
    by_state = stats(client, group_by="state")
    assert [(g["key"], g["blockers"]) for g in by_state["groups"]] == [
        ("open", 1),
        ("coordinating", 1),
        ("escalated", 1),
    ]


def test_the_list_filters_apply_and_solved_ones_never_count(
    api_client_for, register, project, official_user
):
    client = api_client_for(official_user, "read")
    assert stats(client, group_by="kind", project=project.pk)["total"]["blockers"] == 1
    assert stats(client, group_by="kind", kind="approval")["groups"] == []
    assert stats(client, group_by="kind", state="solved")["total"]["blockers"] == 0
    assert stats(client, group_by="kind", overdue="true")["total"]["blockers"] == 1


def test_bad_grouping_or_filter_is_a_400_and_anonymous_a_401(api_client_for, official_user):
    from rest_framework.test import APIClient

    client = api_client_for(official_user, "read")
    assert "group_by" in client.get(STATS, {"group_by": "title"}).json()
    assert client.get(STATS).status_code == 400
    assert client.get(STATS, {"group_by": "kind", "kind": "weather"}).status_code == 400
    assert APIClient().get(STATS, {"group_by": "kind"}).status_code == 401
    empty = stats(client, group_by="state")
    assert empty["groups"] == [] and empty["total"]["oldest_raised_at"] is None


def test_projects_count_their_open_problems_without_a_query_per_row(
    api_client_for, register, project, other_project, official_user
):
    client = api_client_for(official_user, "read")
    listed = client.get("/api/v1/projects/", {"ordering": "code"}).json()["results"]
    assert {row["code"]: row["open_blockers"] for row in listed} == {
        project.code: 1,  # its second problem is solved
        other_project.code: 1,
    }
    assert client.get(f"/api/v1/projects/{project.pk}/").json()["open_blockers"] == 1
    with_open = client.get("/api/v1/projects/", {"has_open_blockers": "true"}).json()
    assert with_open["count"] == 2
    services.withdraw_blocker(register["open"], by=None, note="误报")
    without = client.get("/api/v1/projects/", {"has_open_blockers": "false"}).json()
    assert [row["code"] for row in without["results"]] == [project.code]
    assert client.get("/api/v1/projects/", {"has_open_blockers": "x"}).status_code == 400

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/projects/").status_code == 200
        return len(context.captured_queries)

    few = queries()
    for number in range(5):
        services.raise_blocker(
            by=official_user, project=project, title=f"问题{number}", description="d", kind="land"
        )
    assert queries() == few


def test_a_project_written_through_the_api_shows_its_count(
    api_client_for, project, official_user, supervisor_user
):
    services.raise_blocker(
        by=official_user, project=project, title="用地", description="d", kind=BlockerKind.LAND
    )
    response = api_client_for(supervisor_user).patch(
        f"/api/v1/projects/{project.pk}/", {"is_key": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["open_blockers"] == 1


def test_overdue_counts_only_past_deadlines(api_client_for, raised, supervisor_user):
    services.assign_blocker(
        raised,
        by=supervisor_user,
        coordinating_department=raised.raising_department,
        deadline=timezone.localdate() + datetime.timedelta(days=1),
    )
    answer = stats(api_client_for(supervisor_user, "read"), group_by="state")
    assert answer["total"] == {
        "key": None,
        "label": answer["total"]["label"],
        "blockers": 1,
        "overdue": 0,
        "oldest_raised_at": answer["groups"][0]["oldest_raised_at"],
    }
