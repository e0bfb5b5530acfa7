"""Writing many rows fast, and the small arithmetic every kind of row shares."""

import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

BATCH_SIZE = 5000


def day(date, days):
    return date + datetime.timedelta(days=days)


def cents(amount_cents):
    return Decimal(amount_cents).scaleb(-2)


def recorded_at(date, hour):
    """When a row dated ``date`` was entered: that day at ``hour`` in the site's time zone.
    Rows carry it as their ``created_at`` so that what is owed (a report since a cycle
    opened, a project opened before it) reads the data's own history, not the moment it
    was generated; ``bulk_create`` (SQLite, the tests' small runs) stamps its own time."""
    naive = datetime.datetime.combine(date, datetime.time(hour))
    return timezone.make_aware(naive, timezone.get_default_timezone())


class RowWriter:
    """Inserts rows given as tuples of field values: COPY on PostgreSQL, else bulk_create.

    Fields a caller leaves out get their model default, so a field added to a model later
    does not break the generator.
    """

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.now = timezone.now()

    def insert(self, model, fields, rows):
        if not rows:
            return
        if self.copy:
            self._copy(model, fields, rows)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(fields, row, strict=True))) for row in rows],
                batch_size=BATCH_SIZE,
            )

    def _copy(self, model, fields, rows):
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        extra = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and f not in given and not f.has_db_default()
        ]
        extra_values = tuple(
            self.now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_db_prep_save(f.get_default(), connection)
            for f in extra
        )
        columns = ", ".join(connection.ops.quote_name(f.column) for f in given + extra)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row + extra_values)
