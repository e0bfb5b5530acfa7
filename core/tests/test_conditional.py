"""ETag and If-None-Match on the API (core.rest.conditional), and If-Match still comparing
versions only (tracker.api.viewsets)."""

import hashlib
import re

import pytest

from projects.choices import BlockerKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api_client_for, official_user):
    return api_client_for(official_user)


def md5(body):
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def test_a_list_carries_the_hash_of_its_body_and_a_match_is_a_304(client, project):
    answer = client.get("/api/v1/projects/")
    assert answer.status_code == 200
    assert answer["ETag"] == f'"{md5(answer.content)}"'
    again = client.get("/api/v1/projects/", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == answer["ETag"]
    # Weak comparison, a list of tags, and * as If-None-Match defines them.
    for header in (f"W/{answer['ETag']}", f'"other", {answer["ETag"]}', "*"):
        assert client.get("/api/v1/projects/", HTTP_IF_NONE_MATCH=header).status_code == 304
    assert client.get("/api/v1/projects/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_change_gives_a_new_etag(client, project):
    before = client.get("/api/v1/projects/")["ETag"]
    from projects.services import save_project

    project.name = "数字化工厂项目（二期）"
    save_project(project)
    changed = client.get("/api/v1/projects/", HTTP_IF_NONE_MATCH=before)
    assert changed.status_code == 200 and changed["ETag"] != before


def test_the_etag_follows_the_language_and_the_format(client, project):
    chinese = client.get("/api/v1/projects/")["ETag"]
    english = client.get("/api/v1/projects/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["ETag"] != chinese
    # A spreadsheet answer is hashed as it is sent, the same bytes each time.
    csv = client.get("/api/v1/projects/", {"format": "csv"})
    assert csv["ETag"] == f'"{md5(csv.content)}"'
    assert client.get("/api/v1/projects/", {"format": "csv"})["ETag"] == csv["ETag"]
    not_modified = client.get(
        "/api/v1/projects/", {"format": "csv"}, HTTP_IF_NONE_MATCH=csv["ETag"]
    )
    assert not_modified.status_code == 304


def test_a_versioned_detail_keeps_its_version_in_front_of_the_hash(client, project):
    answer = client.get(f"/api/v1/projects/{project.pk}/")
    assert answer["ETag"] == f'"v{project.version}.{md5(answer.content)}"'
    head = client.head(f"/api/v1/projects/{project.pk}/")
    assert head.status_code == 200 and head["ETag"] == answer["ETag"]
    repeat = client.get(f"/api/v1/projects/{project.pk}/", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert repeat.status_code == 304


def test_a_new_problem_changes_the_etag_but_not_the_version_if_match_compares(
    client, project, official_user
):
    from projects.blockers import raise_blocker

    url = f"/api/v1/projects/{project.pk}/"
    read = client.get(url)
    raise_blocker(
        by=official_user,
        project=project,
        title="用地指标不足",
        description="需要协调",
        kind=BlockerKind.LAND,
    )
    reread = client.get(url, HTTP_IF_NONE_MATCH=read["ETag"])
    assert reread.status_code == 200 and reread.json()["open_blockers"] == 1
    assert reread["ETag"] != read["ETag"]
    # The version did not move: the ETag read before the problem still passes If-Match.
    written = client.patch(url, {"name": "改名"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert written.status_code == 200, written.json()
    assert re.fullmatch(rf'"v{project.version + 1}\.[0-9a-f]{{32}}"', written["ETag"])


@pytest.mark.parametrize("form", ['"{v}"', 'W/"{v}"', '"v{v}.anything"', '"x", "{v}"'])
def test_if_match_accepts_every_form_of_the_version(client, project, form):
    header = form.format(v=project.version)
    answer = client.patch(
        f"/api/v1/projects/{project.pk}/", {"name": "改名"}, format="json", HTTP_IF_MATCH=header
    )
    assert answer.status_code == 200, answer.json()


@pytest.mark.parametrize("form", ['"{v}"', '"v{v}.{md5}"', 'W/"v{v}.x"', '"v{v}"', "garbage"])
def test_if_match_of_an_older_version_is_a_412(client, project, form):
    from projects.services import save_project

    old = project.version
    project.name = "别人改过"
    save_project(project)
    assert project.version == old + 1
    header = form.format(v=old, md5="0" * 32)
    answer = client.patch(
        f"/api/v1/projects/{project.pk}/", {"name": "改名"}, format="json", HTTP_IF_MATCH=header
    )
    assert answer.status_code == 412
    project.refresh_from_db()
    assert project.name == "别人改过"


def test_refusals_and_writes_are_not_conditional(client, project):
    error = client.get("/api/v1/projects/", {"page": "0"})
    assert error.status_code == 400 and "ETag" not in error
    from rest_framework.test import APIClient

    refused = APIClient().get("/api/v1/projects/", HTTP_IF_NONE_MATCH="*")
    assert refused.status_code == 401 and "ETag" not in refused
    created = client.post("/api/v1/projects/", {}, format="json", HTTP_IF_NONE_MATCH="*")
    assert created.status_code == 400


def test_pages_outside_the_api_get_no_etag_from_it(client, admin_client):
    assert "ETag" not in admin_client.get("/admin/")
