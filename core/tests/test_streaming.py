"""core.streaming.chunks: a keyset walk yields every row once, a chunk per query, while
rows are deleted under it, with server-side cursors off (PgBouncer's transaction mode)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.streaming import chunks
from projects.choices import IndustryChainGroup
from projects.models import IndustryChain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_server_side_cursors(monkeypatch):
    # What DATABASE_POOL_MODE=transaction sets; SQLite ignores it, PostgreSQL then fetches
    # a whole result client-side, so only chunking keeps memory flat.
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)


@pytest.fixture
def chain_ids():
    IndustryChain.objects.bulk_create(
        IndustryChain(name=f"链{i:03d}", group=IndustryChainGroup.LOCAL) for i in range(95)
    )
    return sorted(IndustryChain.objects.values_list("pk", flat=True))


def test_every_row_once_in_key_order_a_query_per_chunk(chain_ids):
    with CaptureQueriesContext(connection) as queries:
        walked = list(chunks(IndustryChain.objects.order_by("-name"), size=10))
    assert [len(chunk) for chunk in walked] == [10] * 9 + [5]
    assert [chain.pk for chunk in walked for chain in chunk] == chain_ids
    assert len(queries) == 10  # the last, short chunk ends the walk without another query


def test_rows_deleted_mid_walk_skip_nothing_that_stays(chain_ids):
    seen, deleted = [], set()
    for chunk in chunks(IndustryChain.objects.all(), size=7):
        seen += [chain.pk for chain in chunk]
        # Delete the next rows to come and some already read: an OFFSET walk would skip.
        doomed = [pk for pk in chain_ids if pk not in deleted and pk not in seen][:3]
        doomed += seen[-2:]
        IndustryChain.objects.filter(pk__in=doomed).delete()
        deleted.update(doomed)
    assert len(seen) == len(set(seen))
    survivors = set(chain_ids) - deleted
    assert survivors <= set(seen)
    assert set(seen) <= set(chain_ids)


@pytest.mark.parametrize(
    "shape",
    [
        lambda qs: qs.values_list("name", "pk"),
        lambda qs: qs.values_list("pk", flat=True),
        lambda qs: qs.values("pk", "name"),
        lambda qs: qs.values_list("name", "pk", named=True),
    ],
)
def test_values_and_values_list_querysets(chain_ids, shape):
    rows = [row for chunk in chunks(shape(IndustryChain.objects.all()), size=8) for row in chunk]
    assert len(rows) == len(chain_ids)
    keys = [
        row if isinstance(row, int) else (row["pk"] if isinstance(row, dict) else row[-1])
        for row in rows
    ]
    assert keys == chain_ids


def test_values_list_without_the_key_is_refused(chain_ids):
    with pytest.raises(TypeError):
        next(chunks(IndustryChain.objects.values_list("name"), size=8))


def test_another_unique_key(chain_ids):
    names = [c.name for chunk in chunks(IndustryChain.objects.all(), "name", 9) for c in chunk]
    assert names == sorted(IndustryChain.objects.values_list("name", flat=True))
