"""The keyset mode a syncing client pages through (core.rest.sync, core.rest.pagination):
ties, the settle window, rows written while paging, and the filters' refusals."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.choices import IndustryChainGroup
from projects.models import IndustryChain

pytestmark = pytest.mark.django_db

URL = "/api/v1/industry-chains/"
SYNC = {"ordering": "updated_at"}


@pytest.fixture
def client(api_client_for, official_user):
    return api_client_for(official_user, scope="read")


def chains(count, *, at):
    """``count`` industry chains all changed at the same instant ``at``, as the migration
    left every existing row."""
    IndustryChain.objects.bulk_create(
        IndustryChain(name=f"产业链{i}", group=IndustryChainGroup.LOCAL) for i in range(count)
    )
    IndustryChain.objects.update(updated_at=at)
    return set(IndustryChain.objects.values_list("pk", flat=True))


def read_all(client, params, *, pages=None):
    """Follow ``next`` from the first page; the ids in order and the last row read."""
    ids, last = [], None
    answer = client.get(URL, params)
    while True:
        assert answer.status_code == 200, answer.json()
        body = answer.json()
        assert body["count"] is None and body["previous"] is None
        ids += [row["id"] for row in body["results"]]
        last = body["results"][-1] if body["results"] else last
        if pages is not None:
            pages.append(len(body["results"]))
        if body["next"] is None:
            return ids, last
        answer = client.get(body["next"])


def test_twelve_hundred_ties_page_through_without_gap_or_duplicate(client):
    # DRF's CursorPagination positions on updated_at alone and skips ties by an OFFSET
    # capped at 1,000: it loses rows here. The keyset is (updated_at, id).
    expected = chains(1200, at=timezone.now() - datetime.timedelta(hours=1))
    pages = []
    ids, _last = read_all(client, {**SYNC, "page_size": 500}, pages=pages)
    assert pages == [500, 500, 200]
    assert len(ids) == len(set(ids)) == 1200
    assert set(ids) == expected
    assert ids == sorted(ids)  # equal stamps: by id


def test_a_row_written_while_paging_is_read_later_not_lost(client, settings):
    expected = chains(1200, at=timezone.now() - datetime.timedelta(hours=1))
    first = client.get(URL, {**SYNC, "page_size": 500}).json()
    seen = [row["id"] for row in first["results"]]
    # Meanwhile an office renames one row already read and one not yet read.
    read = IndustryChain.objects.get(pk=seen[0])
    unread = IndustryChain.objects.get(pk=max(expected))
    for row in (read, unread):
        row.name += "（改）"
        row.save(update_fields=["name"])
    rest, last = read_all_from(client, first["next"])
    # Changed within the settle window: not served yet, and not served at its old place.
    assert unread.pk not in rest
    assert len(seen) + len(rest) == 1199
    # The next poll, once the window has passed, resumes where the last page ended.
    settings.TRACKER_SYNC_SETTLE_SECONDS = 0
    resume = {**SYNC, "updated_after": last["updated_at"], "after_id": last["id"]}
    later, _last = read_all(client, resume)
    assert sorted(later) == sorted([read.pk, unread.pk])
    assert set(seen) | set(rest) | set(later) == expected


def read_all_from(client, url):
    ids, last = [], None
    while url:
        body = client.get(url).json()
        ids += [row["id"] for row in body["results"]]
        last = body["results"][-1] if body["results"] else last
        url = body["next"]
    return ids, last


def test_the_settle_window_holds_back_fresh_rows(client, settings):
    now = timezone.now()
    chains(3, at=now - datetime.timedelta(minutes=5))
    fresh = IndustryChain.objects.order_by("pk").last()
    IndustryChain.objects.filter(pk=fresh.pk).update(updated_at=now - datetime.timedelta(seconds=2))
    settings.TRACKER_SYNC_SETTLE_SECONDS = 5
    ids, _last = read_all(client, SYNC)
    assert fresh.pk not in ids and len(ids) == 2
    settings.TRACKER_SYNC_SETTLE_SECONDS = 1
    ids, _last = read_all(client, SYNC)
    assert fresh.pk in ids and len(ids) == 3


def test_next_keeps_the_query_and_moves_the_position(client):
    chains(3, at=timezone.now() - datetime.timedelta(hours=1))
    body = client.get(URL, {**SYNC, "page_size": 2, "group": IndustryChainGroup.LOCAL}).json()
    query = parse_qs(urlsplit(body["next"]).query)
    last = body["results"][-1]
    assert query["after_id"] == [str(last["id"])]
    assert query["updated_after"] == [last["updated_at"]]
    assert query["group"] == [IndustryChainGroup.LOCAL] and query["page_size"] == ["2"]
    assert body["next"].startswith("http://testserver/api/v1/industry-chains/?")
    # A full last page still offers next; the page after it is empty and ends the walk.
    tail = client.get(body["next"]).json()
    assert len(tail["results"]) == 1 and tail["next"] is None


def test_a_keyset_page_counts_nothing(client):
    chains(30, at=timezone.now() - datetime.timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(URL, {**SYNC, "page_size": 10})
    assert answer.status_code == 200 and len(answer.json()["results"]) == 10
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_with_page_it_is_the_page_number_mode_in_the_same_order(client):
    at = timezone.now() - datetime.timedelta(hours=1)
    expected = chains(5, at=at)
    newest = IndustryChain.objects.order_by("pk").first()
    IndustryChain.objects.filter(pk=newest.pk).update(updated_at=at + datetime.timedelta(seconds=1))
    body = client.get(URL, {**SYNC, "page": 1}).json()
    assert body["count"] == 5
    ids = [row["id"] for row in body["results"]]
    assert ids == [*sorted(expected - {newest.pk}), newest.pk]
    descending = client.get(URL, {"ordering": "-updated_at"}).json()
    assert descending["count"] == 5
    assert [row["id"] for row in descending["results"]] == ids[::-1]


def test_updated_after_and_before_filter_every_list(client):
    at = timezone.now() - datetime.timedelta(hours=1)
    expected = sorted(chains(4, at=at))
    IndustryChain.objects.filter(pk=expected[0]).update(updated_at=at - datetime.timedelta(days=1))
    stamp = timezone.localtime(at).isoformat()
    after = client.get(URL, {"updated_after": stamp.replace("+08:00", "Z")})
    assert after.status_code == 200 and after.json()["count"] == 0  # a different instant
    before = client.get(URL, {"updated_before": stamp}).json()
    assert [row["id"] for row in before["results"]] == expected[:1]
    past = (at - datetime.timedelta(seconds=1)).isoformat()
    assert client.get(URL, {"updated_after": past}).json()["count"] == 3
    # (updated_at, id) > (at, second id): the last two.
    keyset = client.get(URL, {"updated_after": stamp, "after_id": expected[1]}).json()
    assert [row["id"] for row in keyset["results"]] == expected[2:]
    alone = client.get(URL, {"after_id": expected[2]}).json()
    assert [row["id"] for row in alone["results"]] == expected[3:]


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-26",
        "2026-11-26T15:55:01",  # no offset: which instant is it?
        "2024-01-01T12:99:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-26T24:00:00Z",
        "2026-11-26T15:55:01+24:00",
        "2026-11-26T15:55:01.1234567Z",
        "yesterday",
        "=cmd|' /C calc'!A0",
        "<script>alert(1)</script>",
    ],
)
def test_a_malformed_date_time_is_a_400_naming_the_field(client, value):
    for name in ("updated_after", "updated_before"):
        answer = client.get(URL, {**SYNC, name: value})
        assert answer.status_code == 400
        assert list(answer.json()) == [name]
        assert "RFC 3339" in answer.json()[name][0]


@pytest.mark.parametrize("value", ["1.5", "abc", str(2**63), "-"])
def test_a_malformed_after_id_is_a_400(client, value):
    answer = client.get(URL, {**SYNC, "after_id": value})
    assert answer.status_code == 400 and list(answer.json()) == ["after_id"]


@pytest.mark.parametrize(
    "value, rows",
    [
        ("9999-12-31T23:59:59.999999-23:59", 0),  # beyond Python's datetime: the last one
        ("0001-01-01T00:00:00+23:59", 2),  # before the first one: everything
        ("0000-01-01T00:00:00Z", 2),  # RFC 3339 has a year 0
        ("2026-11-26t07:55:01z", None),  # T and Z in lower case, as RFC 3339 allows
        ("2026-11-26T15:55:01 08:00", None),  # "+" sent unencoded arrives as a space
    ],
)
def test_extreme_and_lenient_date_times_answer_200(client, value, rows):
    chains(2, at=timezone.now() - datetime.timedelta(hours=1))
    answer = client.get(URL, {**SYNC, "updated_after": value})
    assert answer.status_code == 200
    if rows is not None:
        assert len(answer.json()["results"]) == rows


def test_a_space_for_the_plus_means_the_same_instant(client):
    at = timezone.now() - datetime.timedelta(hours=1)
    chains(2, at=at)
    stamp = timezone.localtime(at - datetime.timedelta(seconds=1)).isoformat()
    plus = client.get(URL, {"updated_after": stamp}).json()["count"]
    space = client.get(URL, {"updated_after": stamp.replace("+", " ")}).json()["count"]
    assert plus == space == 2


def test_anonymous_callers_get_401_before_any_parameter_is_read(db):
    from rest_framework.test import APIClient

    answer = APIClient().get(URL, {**SYNC, "updated_after": "nonsense"})
    assert answer.status_code == 401


# The generic key (core.keyset) on another model: a total order walked by seeks.


def test_a_key_walks_a_whole_table_by_seeks_in_its_order():
    from core.keyset import ListKey

    chains(30, at=timezone.now())
    IndustryChain.objects.filter(
        pk__in=list(IndustryChain.objects.values_list("pk", flat=True)[:10])
    ).update(group=IndustryChainGroup.HEBEI_SIX_CHAINS)
    key = ListKey("group", "name", "id")
    expected = list(IndustryChain.objects.order_by("group", "name", "id"))
    read, after = [], None
    while True:
        rows = IndustryChain.objects.order_by(*key.ordering())
        if after is not None:
            rows = key.seek(rows, key.decode(after, IndustryChain))
        page = list(rows[:7])
        read += page
        if len(page) < 7:
            break
        after = key.encode(key.values(page[-1]))
    assert read == expected


@pytest.mark.parametrize("cursor", ["", "!", "W10", "WzFd", "bnVsbA", "WyJhIiwiYiIsIjEiXQ"])
def test_a_key_refuses_what_it_did_not_write(cursor):
    from rest_framework.exceptions import ValidationError

    from core.keyset import ListKey

    key = ListKey("group", "name", "id")
    with pytest.raises(ValidationError) as refused:
        key.decode(cursor or "e30", IndustryChain)  # "e30" is {}
    assert list(refused.value.detail) == ["cursor"]


def test_every_envelope_has_the_cursor_and_the_count_cap_fields(client):
    chains(3, at=timezone.now() - datetime.timedelta(hours=1))
    for params in (SYNC, {"page": 1}):
        body = client.get(URL, params).json()
        assert body["next_cursor"] is None and body["count_more_than"] is None
