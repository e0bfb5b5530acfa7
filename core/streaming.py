"""Read a large queryset in keyset chunks (flat memory without server-side cursors, which
PgBouncer's transaction mode forbids).

``.iterator()`` keeps memory flat on PostgreSQL only through a named (server-side) cursor;
with ``DISABLE_SERVER_SIDE_CURSORS`` (PgBouncer in transaction mode) psycopg fetches the
whole result into the client first. A keyset walk reads ``size`` rows a query, each query
starting after the last key seen: memory stays one chunk whatever the cursor setting, and
a row deleted or added meanwhile never makes the walk skip or repeat one that stays (an
OFFSET walk would shift).
"""

from django.db.models.query import (
    FlatValuesListIterable,
    NamedValuesListIterable,
    ValuesIterable,
    ValuesListIterable,
)


def chunks(queryset, key="pk", size=2000, key_index=None):
    """Yield lists of at most ``size`` items of ``queryset`` ordered by ``key`` (a unique,
    sortable field), each chunk one query starting after the previous chunk's last key.
    Works on model querysets and on ``values()``/``values_list()`` ones (the key must then be
    among the selected fields; for values_list pass the key's position as ``key_index``).

    The queryset's own ordering is replaced by ``key``; each row present for the whole walk
    is yielded exactly once."""
    if size < 1:
        raise ValueError("chunks: size must be at least 1")
    last_key = key_of(queryset, key, key_index)
    ordered = queryset.order_by(key)
    after = None
    while True:
        page = ordered if after is None else ordered.filter(**{f"{key}__gt": after})
        rows = list(page[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        after = last_key(rows[-1])


def key_of(queryset, key, key_index):
    """A function reading ``key`` from one row of ``queryset``'s kind."""
    iterable = queryset._iterable_class
    if iterable is FlatValuesListIterable:
        return lambda row: row
    if iterable in (ValuesListIterable, NamedValuesListIterable):
        if key_index is None:
            fields = list(queryset._fields or ())
            if key not in fields:
                raise TypeError(f"chunks: {key!r} is not selected; pass key_index")
            key_index = fields.index(key)
        return lambda row: row[key_index]
    if iterable is ValuesIterable:
        return lambda row: row[key]
    if key == "pk":
        return lambda row: row.pk
    return lambda row: getattr(row, key)
