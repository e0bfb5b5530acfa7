"""Deletion records (core.sync) and the deletions feed (/api/v1/deleted/): every way a
synced row is deleted leaves one, a rolled-back delete none, and the feed pages by
(deleted_at, id) as a list's keyset mode does."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import Tombstone
from core.sync import tracked_labels

pytestmark = pytest.mark.django_db
FEED = "/api/v1/deleted/"
LONG_AGO = timezone.now() - datetime.timedelta(hours=1)
HOME = "371400"  # the one city tenant the migration makes (TRACKER_CITY_CODE)


@pytest.fixture
def client(api_client_for, official_user):
    return api_client_for(official_user, scope="read")


def recorded():
    return sorted(Tombstone.objects.values_list("model", "object_id"))


def test_every_synced_model_is_tracked():
    assert tracked_labels() == [
        "bulletins.bulletin",
        "cooperation.agreementarea",
        "cooperation.cooperationitem",
        "cooperation.counterpart",
        "performance.target",
        "projects.blocker",
        "projects.industrychain",
        "projects.project",
        "regions.counterpartpairing",
        "regions.division",
        "regions.park",
        "tracker.department",
        "tracker.keytask",
        "tracker.workpoint",
    ]


def test_a_delete_in_the_admin_is_recorded(admin_client, lingcheng):
    from regions.choices import ParkKind
    from regions.models import Park

    park = Park.objects.create(
        name="陵城经济开发区", kind=ParkKind.choices[0][0], division=lingcheng
    )
    answer = admin_client.post(f"/admin/regions/park/{park.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not Park.objects.filter(pk=park.pk).exists()
    assert recorded() == [("regions.park", park.pk)]


def test_a_delete_over_the_api_is_recorded(api_client_for, supervisor_user, lingcheng):
    from performance.models import Target

    target = Target.objects.create(year=2023, division=lingcheng, signed_projects=4)
    answer = api_client_for(supervisor_user).delete(f"/api/v1/targets/{target.pk}/")
    assert answer.status_code == 204
    assert recorded() == [("performance.target", target.pk)]


def test_a_cascade_records_every_synced_row_it_takes(project, official_user):
    from projects.blockers import raise_blocker
    from projects.choices import BlockerKind
    from projects.models import Project

    blocker = raise_blocker(
        by=official_user, project=project, title="用地", description="缺指标", kind=BlockerKind.LAND
    )
    Project.objects.filter(pk=project.pk).delete()
    assert recorded() == [("projects.blocker", blocker.pk), ("projects.project", project.pk)]


def test_a_rolled_back_delete_leaves_no_record(task):
    from tracker.models import KeyTask

    with pytest.raises(RuntimeError), transaction.atomic():
        KeyTask.objects.filter(pk=task.pk).delete()
        assert recorded() == [("tracker.keytask", task.pk)]
        raise RuntimeError("the admin's transaction fails")
    assert KeyTask.objects.filter(pk=task.pk).exists()
    assert recorded() == []


def tombstones(*specs):
    """Records of the home city at given instants: ``(model, object_id, deleted_at)``."""
    return [
        Tombstone.objects.create(model=model, object_id=object_id, deleted_at=at, tenant_id=HOME)
        for model, object_id, at in specs
    ]


def test_the_feed_pages_by_deleted_at_and_id(client):
    later = LONG_AGO + datetime.timedelta(seconds=1)
    rows = tombstones(
        ("projects.project", 7, later),
        ("projects.project", 3, LONG_AGO),
        ("tracker.keytask", 5, LONG_AGO),
        ("projects.project", 9, LONG_AGO),
    )
    expected = [rows[1].pk, rows[2].pk, rows[3].pk, rows[0].pk]
    seen, url = [], FEED + "?page_size=2"
    while url:
        body = client.get(url).json()
        assert body["count"] is None and body["previous"] is None
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected
    first = client.get(FEED, {"page_size": 1}).json()
    assert first["results"] == [
        {
            "id": rows[1].pk,
            "model": "projects.project",
            "object_id": 3,
            "deleted_at": timezone.localtime(LONG_AGO).isoformat(),
        }
    ]
    query = parse_qs(urlsplit(first["next"]).query)
    assert query["deleted_after"] == [first["results"][0]["deleted_at"]]
    assert query["after_id"] == [str(rows[1].pk)]


def test_the_feed_filters_by_model_and_holds_back_the_last_seconds(client, settings):
    old, fresh = tombstones(
        ("projects.project", 3, LONG_AGO),
        ("projects.project", 4, timezone.now() - datetime.timedelta(seconds=1)),
    )
    tombstones(("tracker.keytask", 5, LONG_AGO))
    settings.TRACKER_SYNC_SETTLE_SECONDS = 5
    body = client.get(FEED, {"model": "projects.project"}).json()
    assert [row["id"] for row in body["results"]] == [old.pk]
    settings.TRACKER_SYNC_SETTLE_SECONDS = 0
    body = client.get(
        FEED,
        {"model": "projects.project", "deleted_after": body["results"][-1]["deleted_at"]},
    ).json()
    assert [row["id"] for row in body["results"]] == [fresh.pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"model": "auth.user"}, "model"),
        ({"model": "<b>x</b>"}, "model"),
        ({"deleted_after": "2026-11-26"}, "deleted_after"),
        ({"after_id": "x"}, "after_id"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_the_feed_refuses_what_it_cannot_mean(client, params, field):
    answer = client.get(FEED, params)
    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_the_feed_is_for_signed_in_readers_only_and_never_written(client):
    from rest_framework.test import APIClient

    assert APIClient().get(FEED).status_code == 401
    assert client.post(FEED, {}, format="json").status_code in (403, 405)
    assert client.get(FEED + "1/").status_code == 404
