"""Read a large queryset in keyset chunks (flat memory without server-side cursors, which
PgBouncer's transaction mode forbids)."""


def chunks(queryset, key="pk", size=2000):
    """Yield lists of at most ``size`` items of ``queryset`` ordered by ``key`` (a unique,
    sortable field), each chunk one query starting after the previous chunk's last key.
    Works on model querysets and on ``values()``/``values_list()`` ones (the key must then be
    among the selected fields; for values_list pass the key's position as ``key_index``)."""
    raise NotImplementedError("core.streaming.chunks: written by the notifications helper")
