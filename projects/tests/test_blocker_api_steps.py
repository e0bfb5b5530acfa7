"""Each step of a problem over the API, as the office, the departments involved, another
department and a read-only token: allowed, or refused with nothing changed."""

import datetime

import pytest
from django.utils import timezone

from projects.choices import BlockerState
from projects.models import Blocker, BlockerEvidence

from .test_blocker_api import SCRIPT, in_ten_days, jpeg, state_of, third_user, url

pytestmark = pytest.mark.django_db

__all__ = ["third_user"]  # a fixture, imported for these tests


def assign_body(department, **overrides):
    return {"coordinating_department": department.pk, "deadline": in_ten_days(), **overrides}


def test_the_office_assigns_and_the_coordinator_is_named(
    api_client_for, raised, supervisor_user, other_department, third_user
):
    helper = third_user.official.department
    body = assign_body(other_department, supporting_departments=[helper.pk], note=SCRIPT)
    response = api_client_for(supervisor_user).post(url(raised, "assign"), body, format="json")
    assert response.status_code == 200, response.json()
    shown = response.json()
    assert (shown["state"], shown["coordinating_department"]) == (
        "coordinating",
        other_department.pk,
    )
    assert shown["supporting_department_names"] == ["市自然资源局"]
    assert shown["assigned_at"] and shown["version"] == raised.version + 1
    # The third department now supports it, and so may add notes.
    assert api_client_for(third_user).get(url(raised)).json()["allowed_steps"] == ["note"]


def test_an_official_may_not_assign(api_client_for, raised, official_user, other_department):
    before = state_of(raised)
    response = api_client_for(official_user).post(
        url(raised, "assign"), assign_body(other_department), format="json"
    )
    assert response.status_code == 403 and state_of(raised) == before


def test_an_assignment_is_checked_field_by_field(
    api_client_for, raised, supervisor_user, other_department
):
    client = api_client_for(supervisor_user)
    before = state_of(raised)
    missing = client.post(url(raised, "assign"), {}, format="json")
    assert missing.status_code == 400
    assert {"coordinating_department", "deadline"} <= set(missing.json())
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    late = client.post(
        url(raised, "assign"), assign_body(other_department, deadline=past), format="json"
    )
    assert late.status_code == 400 and "deadline" in late.json()
    twice = assign_body(other_department, supporting_departments=[other_department.pk])
    doubled = client.post(url(raised, "assign"), twice, format="json")
    assert doubled.status_code == 400 and "supporting_departments" in doubled.json()
    nobody = client.post(
        url(raised, "assign"),
        assign_body(other_department, coordinating_department=10**9),
        format="json",
    )
    assert nobody.status_code == 400 and "coordinating_department" in nobody.json()
    assert state_of(raised) == before


def test_the_coordinator_adds_a_note_with_files(api_client_for, coordinating, other_official_user):
    response = api_client_for(other_official_user).post(
        url(coordinating, "note"), {"note": "已召开协调会", "files": [jpeg()]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "coordinating"
    steps = api_client_for(other_official_user).get(url(coordinating, "steps")).json()["results"]
    assert [step["action"] for step in steps] == ["note", "assign", "raise"]
    assert steps[0]["note"] == "已召开协调会" and steps[0]["by_name"] == "other-official"
    (evidence,) = steps[0]["evidence"]
    assert evidence["url"] == f"/files/problems/{evidence['id']}/"
    assert evidence["thumbnail_url"] == f"/files/problems/{evidence['id']}/thumbnail/"


def test_a_department_not_involved_may_not_add_notes(api_client_for, coordinating, third_user):
    before = state_of(coordinating)
    response = api_client_for(third_user).post(
        url(coordinating, "note"), {"note": "路过"}, format="json"
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert state_of(coordinating) == before


def test_a_note_must_say_something(api_client_for, coordinating, official_user):
    before = state_of(coordinating)
    client = api_client_for(official_user)
    blank = client.post(url(coordinating, "note"), {"note": "   "}, format="json")
    assert blank.status_code == 400 and "note" in blank.json()
    long = client.post(url(coordinating, "note"), {"note": "长" * 2001}, format="json")
    assert long.status_code == 400 and "note" in long.json()
    assert state_of(coordinating) == before


def test_escalation_needs_a_coordinator_first_and_the_office(
    api_client_for, raised, supervisor_user, official_user, other_department
):
    supervisor = api_client_for(supervisor_user)
    before = state_of(raised)
    early = supervisor.post(url(raised, "escalate"), {"note": "上会"}, format="json")
    assert early.status_code == 400 and state_of(raised) == before
    supervisor.post(url(raised, "assign"), assign_body(other_department), format="json")
    before = state_of(raised)
    refused = api_client_for(official_user).post(
        url(raised, "escalate"), {"note": "上会"}, format="json"
    )
    assert refused.status_code == 403 and state_of(raised) == before
    done = supervisor.post(url(raised, "escalate"), {"note": "提请市政府常务会"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "escalated"


def test_the_office_solves_with_files_and_a_solved_problem_takes_no_more_steps(
    api_client_for, coordinating, supervisor_user, official_user
):
    client = api_client_for(supervisor_user)
    refused = api_client_for(official_user).post(
        url(coordinating, "solve"), {"resolution": "自己解决"}, format="json"
    )
    assert refused.status_code == 403
    response = client.post(
        url(coordinating, "solve"),
        {"resolution": "土地已交付", "files": [jpeg("交地确认书.jpg")]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["state"], body["resolution"]) == ("solved", "土地已交付")
    assert body["solved_on"] == timezone.localdate().isoformat()
    assert body["is_overdue"] is False and body["working_days_left"] is None
    assert body["allowed_steps"] == []
    assert BlockerEvidence.objects.filter(blocker=coordinating).count() == 1
    before = state_of(coordinating)
    for step, field in (("solve", "resolution"), ("withdraw", "note"), ("note", "note")):
        again = client.post(url(coordinating, step), {field: "再来一次"}, format="json")
        assert again.status_code == 400 and again.json(), step
    assert state_of(coordinating) == before


def test_a_solution_must_be_written(api_client_for, coordinating, supervisor_user):
    before = state_of(coordinating)
    response = api_client_for(supervisor_user).post(url(coordinating, "solve"), {}, format="json")
    assert response.status_code == 400 and "resolution" in response.json()
    assert state_of(coordinating) == before


def test_the_office_withdraws_and_officials_may_not(
    api_client_for, raised, supervisor_user, official_user
):
    before = state_of(raised)
    refused = api_client_for(official_user).post(
        url(raised, "withdraw"), {"note": "误报"}, format="json"
    )
    assert refused.status_code == 403 and state_of(raised) == before
    response = api_client_for(supervisor_user).post(
        url(raised, "withdraw"), {"note": "误报"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert Blocker.objects.get(pk=raised.pk).state == BlockerState.WITHDRAWN


def test_a_step_is_post_only(api_client_for, raised, supervisor_user):
    client = api_client_for(supervisor_user)
    for step in ("assign", "note", "escalate", "solve", "withdraw"):
        assert client.get(url(raised, step)).status_code == 405


def test_a_disguised_file_on_a_note_stores_nothing(
    api_client_for, coordinating, other_official_user, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    stored = {path for path in tmp_path.rglob("*") if path.is_file()}
    before = state_of(coordinating)
    fake = SimpleUploadedFile("会议纪要.pdf", b"MZ\x90\x00 not a pdf")
    response = api_client_for(other_official_user).post(
        url(coordinating, "note"), {"note": "纪要", "files": [jpeg(), fake]}, format="multipart"
    )
    assert response.status_code == 400 and "会议纪要.pdf" in str(response.json()["files"])
    assert state_of(coordinating) == before
    assert {path for path in tmp_path.rglob("*") if path.is_file()} == stored
