"""Migrations that fold a foreign key's own index into a wider one led by the same column.

Django indexes every foreign key on its own. When a model adds an index that starts with
that column (reports: ``(record, created_at)``), the wider index serves the key's look-ups
and the narrow one only costs writes and space. A migration builds the wide index first
(``build_index``), then drops the key's own (``fold_index``; their state side an
``AddIndex`` and an ``AlterField`` to ``db_index=False``). On PostgreSQL both run
CONCURRENTLY, so the table keeps taking writes, and both can be run again after an
interruption (the migration is not atomic): a half-built index is dropped and built anew,
one already built is kept, a key index already dropped is not looked for again.
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


def _index_validity(schema_editor, name):
    """True (built), False (left half-built by an interrupted CONCURRENTLY), None (none)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [name],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _drop_concurrently(schema_editor, name):
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


def build_index(app_label, model_name, index):
    """RunPython forwards and backwards that add ``index`` to the model (the database side of
    an ``AddIndex``): CONCURRENTLY on PostgreSQL, where a run again keeps an index already
    built and rebuilds a half-built one."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.add_index(model, index)
            return
        valid = _index_validity(schema_editor, index.name)
        if valid:
            return
        if valid is False:
            _drop_concurrently(schema_editor, index.name)
        schema_editor.add_index(model, index, concurrently=True)

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.remove_index(model, index)
            return
        _drop_concurrently(schema_editor, index.name)

    return migrations.RunPython(forwards, backwards)


def drop_index(app_label, model_name, index):
    """``build_index`` the other way round: the database side of a ``RemoveIndex`` (an index
    a wider one replaces), CONCURRENTLY on PostgreSQL, and made again on the way back."""
    built = build_index(app_label, model_name, index)
    return migrations.RunPython(built.reverse_code, built.code)


def fold_index(app_label, model_name, field_name):
    """RunPython forwards and backwards for the foreign key ``field_name`` of the model:
    drop its own index, or make it again."""

    def forwards(apps, schema_editor):
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        if schema_editor.connection.vendor == "postgresql":
            name = _foreign_key_index(schema_editor, field.model._meta.db_table, field.column)
            if name:
                _drop_concurrently(schema_editor, name)
            return
        schema_editor.alter_field(field.model, _with_index(field, True), _with_index(field, False))

    def backwards(apps, schema_editor):
        # The state a database operation of SeparateDatabaseAndState is given is the one
        # before its state operations, both ways: say which way the index goes.
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        if schema_editor.connection.vendor == "postgresql":
            # Not alter_field: on PostgreSQL it drops and re-adds the foreign key around a
            # blocking CREATE INDEX, and a failure between them (not atomic) loses the key.
            table = field.model._meta.db_table
            if _foreign_key_index(schema_editor, table, field.column):
                return
            name = schema_editor._create_index_name(table, [field.column])
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {schema_editor.quote_name(name)} "
                f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(field.column)})"
            )
            return
        schema_editor.alter_field(field.model, _with_index(field, False), _with_index(field, True))

    return migrations.RunPython(forwards, backwards)
