"""The admin's list and build page, the download view and the API, for each kind of user."""

import datetime

import pytest
from django.urls import reverse

from bulletins.models import Bulletin
from bulletins.services import build_bulletin

pytestmark = pytest.mark.django_db

BUILD = "admin:bulletins_bulletin_build"


@pytest.fixture
def bulletin(project):
    return build_bulletin("month", datetime.date(2023, 12, 31))


def download(client, bulletin, part):
    return client.get(reverse("bulletin_file", args=[bulletin.pk, part]))


def test_anonymous_callers_are_sent_to_the_login(client, bulletin):
    response = download(client, bulletin, "document")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.get(reverse(BUILD))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_official_downloads_both_files(client, official_user, bulletin):
    client.force_login(official_user)
    response = download(client, bulletin, "document")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:2] == b"PK"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(".docx")
    assert "filename*=UTF-8''" in disposition
    annex = download(client, bulletin, "annex")
    assert annex.status_code == 200 and annex["Content-Type"].endswith("spreadsheetml.sheet")


def test_other_parts_and_unknown_bulletins_are_404(client, official_user, bulletin):
    client.force_login(official_user)
    assert client.get(f"/files/bulletins/{bulletin.pk}/..%2Fsettings/").status_code == 404
    assert download(client, bulletin, "document_sha256").status_code == 404
    missing = reverse("bulletin_file", args=[bulletin.pk + 1000, "document"])
    assert client.get(missing).status_code == 404
    assert client.post(reverse("bulletin_file", args=[bulletin.pk, "document"])).status_code == 405


def test_officials_read_the_list_but_may_not_build(client, official_user, bulletin):
    client.force_login(official_user)
    page = client.get(reverse("admin:bulletins_bulletin_changelist"))
    assert page.status_code == 200
    assert reverse("bulletin_file", args=[bulletin.pk, "annex"]) in page.content.decode()
    assert reverse(BUILD) not in page.content.decode()
    assert client.get(reverse(BUILD)).status_code == 403
    response = client.post(reverse(BUILD), {"kind": "month", "date": "2023-11-30"})
    assert response.status_code == 403
    assert Bulletin.objects.count() == 1
    change = reverse("admin:bulletins_bulletin_change", args=[bulletin.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"number": "X"}).status_code == 403
    delete = reverse("admin:bulletins_bulletin_delete", args=[bulletin.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_a_supervisor_builds_from_the_admin(client, supervisor_user, project):
    client.force_login(supervisor_user)
    assert (
        reverse(BUILD)
        in client.get(reverse("admin:bulletins_bulletin_changelist")).content.decode()
    )
    assert client.get(reverse(BUILD)).status_code == 200
    response = client.post(reverse(BUILD), {"kind": "month", "date": "2023-11-15"})
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.period_start == datetime.date(2023, 11, 1)
    assert bulletin.built_by == supervisor_user


def test_the_build_page_says_what_is_wrong(client, supervisor_user):
    client.force_login(supervisor_user)
    future = client.post(reverse(BUILD), {"kind": "month", "date": "2999-01-01"})
    assert future.status_code == 200 and future.context["form"].errors["date"]
    malformed = client.post(reverse(BUILD), {"kind": "<script>", "date": "yesterday"})
    assert set(malformed.context["form"].errors) == {"kind", "date"}
    assert not Bulletin.objects.exists()


def test_the_api_lists_bulletins_with_their_links(api_client_for, official_user, bulletin):
    api = api_client_for(official_user, scope="read")
    response = api.get("/api/v1/bulletins/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["number"] == "德协办通〔2023〕12号" and row["kind"] == "month"
    assert row["document_url"].endswith(f"/files/bulletins/{bulletin.pk}/document/")
    assert row["annex_sha256"] == bulletin.annex_sha256
    assert api.get(f"/api/v1/bulletins/{bulletin.pk}/").json()["period_end"] == "2023-12-31"
    assert api.get("/api/v1/bulletins/?kind=week").json()["results"] == []


def test_the_api_takes_no_writes_and_no_strangers(
    client, api_client_for, supervisor_user, bulletin
):
    assert client.get("/api/v1/bulletins/").status_code in (401, 403)
    api = api_client_for(supervisor_user)
    assert api.post("/api/v1/bulletins/", {"kind": "month"}).status_code == 405
    assert api.delete(f"/api/v1/bulletins/{bulletin.pk}/").status_code == 405
    assert Bulletin.objects.count() == 1
