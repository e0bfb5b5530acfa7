"""Several reads that must agree, read from one snapshot."""

import contextlib

from django.db import connections, transaction


@contextlib.contextmanager
def one_snapshot(alias):
    """The reads inside see one snapshot of the database (PostgreSQL: REPEATABLE READ,
    read-only, on a replica too): a row written between two of them would otherwise be
    counted by one and not the other. Inside a transaction already, its own snapshot rules
    (a savepoint only); on SQLite a transaction reads one state of the file anyway."""
    connection = connections[alias]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield
