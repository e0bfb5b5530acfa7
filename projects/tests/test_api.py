"""Writing projects over the API follows the admin's rules: same services, same permissions."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from projects.choices import Stage
from projects.models import Project, ProjectUpdate
from tracker.services import create_api_token

pytestmark = pytest.mark.django_db


def token_client(user, scope="read_write", language=None):
    _token, key = create_api_token(name="test", user=user, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    if language:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def snapshot(project):
    return Project.objects.values().get(pk=project.pk)


def new_project(project, department, **overrides):
    return {
        "code": "DZ-API-1",
        "name": "接口新建项目",
        "host_division": project.host_division_id,
        "responsible_department": department.pk,
        "year": 2026,
        "stage": "lead",
        "total_investment": "30000.00",
        "funds_in_place": "0",
        **overrides,
    }


def test_project_reads_with_names_of_what_it_links_to(official_user, project):
    body = token_client(official_user, "read").get(f"/api/v1/projects/{project.pk}/").json()
    assert body["code"] == "DZ-2023-001"
    assert body["origin_name"] == "北京市" and body["origin_province_name"] == "北京市"
    assert body["host_division_name"] == "陵城区"
    assert body["responsible_department_name"] == "市商务局"
    assert body["stage_label"] == "线索"
    assert body["total_investment"] == "52000.00"


def test_supervisor_token_writes_any_project(supervisor_user, other_project):
    client = token_client(supervisor_user)
    response = client.patch(
        f"/api/v1/projects/{other_project.pk}/", {"is_key": True}, format="json"
    )
    assert response.status_code == 200 and Project.objects.get(pk=other_project.pk).is_key


def test_recording_status_goes_through_the_service(official_user, project):
    client = token_client(official_user)
    response = client.post(
        f"/api/v1/projects/{project.pk}/updates/",
        {
            "reported_on": "2023-05-05",
            "stage": "under_construction",
            "funds_in_place": "8600.5",
            "note": "开工",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["author_name"] == "official"
    project.refresh_from_db()
    assert project.stage == Stage.UNDER_CONSTRUCTION
    assert project.started_on == project.signed_on == datetime.date(2023, 5, 5)
    assert project.funds_in_place == Decimal("8600.50")
    listed = client.get(f"/api/v1/projects/{project.pk}/updates/").json()
    assert [u["note"] for u in listed["results"]] == ["开工"]


def test_invalid_input_gets_a_message_per_field_in_the_asked_language(official_user, project):
    before = snapshot(project)
    chinese = token_client(official_user).patch(
        f"/api/v1/projects/{project.pk}/",
        {"total_investment": "-1", "stage": "signed"},
        format="json",
    )
    assert chinese.status_code == 400
    errors = chinese.json()
    assert "total_investment" in errors
    english = token_client(official_user, language="en").patch(
        f"/api/v1/projects/{project.pk}/",
        {"stage": "under_construction"},
        format="json",
    )
    assert english.status_code == 400
    assert "needs this date" in english.json()["started_on"][0]
    again = token_client(official_user).patch(
        f"/api/v1/projects/{project.pk}/", {"stage": "under_construction"}, format="json"
    )
    assert "必须填写此日期" in again.json()["started_on"][0]
    backwards = token_client(official_user).post(
        f"/api/v1/projects/{project.pk}/updates/",
        {"reported_on": "2999-01-01", "stage": "signed", "funds_in_place": "-3"},
        format="json",
    )
    assert backwards.status_code == 400 and "funds_in_place" in backwards.json()
    assert snapshot(project) == before
    assert not ProjectUpdate.objects.exists()


def test_list_filters_search_and_ordering(official_user, project, other_project, beijing):
    client = token_client(official_user, "read")

    def codes(query):
        return [row["code"] for row in client.get(f"/api/v1/projects/?{query}").json()["results"]]

    assert codes(f"origin_province={beijing.pk}") == ["DZ-2023-001"]
    assert codes(f"responsible_department={other_project.responsible_department_id}") == [
        "DZ-2023-002"
    ]
    assert codes("search=别的部门") == ["DZ-2023-002"]
    assert codes("ordering=-code") == ["DZ-2023-002", "DZ-2023-001"]
    project.stage = Stage.SIGNED
    project.signed_on = datetime.date(2023, 1, 1)
    project.planned_start_on = datetime.date(2023, 3, 1)
    project.save()
    assert codes("milestone_overdue=true") == ["DZ-2023-001"]
    assert codes("stage=signed&year=2023") == ["DZ-2023-001"]
    bad = client.get("/api/v1/projects/?stage=built")
    assert bad.status_code == 400 and "stage" in bad.json()


def test_partial_update_answers_every_field_even_when_a_link_is_cleared(official_user, project):
    body = (
        token_client(official_user)
        .patch(f"/api/v1/projects/{project.pk}/", {"park": None, "origin": None}, format="json")
        .json()
    )
    assert body["park_name"] is None and body["origin_name"] is None
    assert body["origin_province"] is None


def test_stats_name_joined_groups_and_the_group_without_one(official_user, project, lingcheng):
    from regions.choices import ParkKind
    from regions.models import Park

    park = Park.objects.create(
        name="陵城经济开发区", kind=ParkKind.PROVINCIAL_DEVELOPMENT_ZONE, division=lingcheng
    )
    project.park = park
    project.save()
    Project.objects.create(
        code="P-NOPARK",
        name="无园区项目",
        host_division=lingcheng,
        year=2023,
        responsible_department=project.responsible_department,
        total_investment=Decimal("10"),
    )
    client = token_client(official_user, language="zh-hans")
    body = client.get("/api/v1/stats/projects/", {"group_by": "park"}).json()
    labels = {group["key"]: group["label"] for group in body["groups"]}
    assert labels == {park.pk: "陵城经济开发区", None: "未填写"}
    assert body["total"]["projects"] == 2
