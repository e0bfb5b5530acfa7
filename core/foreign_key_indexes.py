"""Migrations that fold a foreign key's own index into a wider one led by the same column.

Django indexes every foreign key on its own. When a model adds an index that starts with
that column (reports: ``(record, created_at)``), the wider index serves the key's look-ups
and the narrow one only costs writes and space. ``fold_index`` is the migration's database
side: it drops the key's index (CONCURRENTLY on PostgreSQL, so the table keeps taking
writes) and, run backwards, makes it again; the state side is an ``AlterField`` to
``db_index=False``. Add the wider index first, in an earlier operation.
"""

import copy

from django.db import migrations


def _with_index(field, db_index):
    changed = copy.copy(field)  # the same field, its relation resolved, indexed or not
    changed.db_index = db_index
    return changed


def _foreign_key_index(schema_editor, table, column):
    """The name of the index on exactly ``column`` alone, not unique (Django's own)."""
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, table)
    for name, info in found.items():
        own = info["index"] and not info["unique"] and not info["primary_key"]
        if own and info["columns"] == [column]:
            return name
    return None


def fold_index(app_label, model_name, field_name):
    """RunPython forwards and backwards for the foreign key ``field_name`` of the model."""

    def forwards(apps, schema_editor):
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        if schema_editor.connection.vendor == "postgresql":
            name = _foreign_key_index(schema_editor, field.model._meta.db_table, field.column)
            if name:
                quoted = schema_editor.quote_name(name)
                schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quoted}")
            return
        schema_editor.alter_field(field.model, _with_index(field, True), _with_index(field, False))

    def backwards(apps, schema_editor):
        # The state a database operation of SeparateDatabaseAndState is given is the one
        # before its state operations, both ways: say which way the index goes.
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        schema_editor.alter_field(field.model, _with_index(field, False), _with_index(field, True))

    return migrations.RunPython(forwards, backwards)
