"""Migrations that install a tally's triggers (core.tallies) for the engine at hand."""

from django.db import migrations
from django.utils.module_loading import import_string

from core.tallies import rebuild


def installed(tally_path, *, recount=True):
    """A migration's operation that installs the triggers of the tally at ``tally_path``
    (dotted, read when the migration runs) anew for the engine at hand and, with
    ``recount``, counts the rows already stored; backwards it removes them. Without
    ``recount`` (a reinstall of changed trigger functions) backwards does nothing."""

    def forwards(apps, schema_editor):
        tally, vendor = import_string(tally_path), schema_editor.connection.vendor
        with schema_editor.connection.cursor() as cursor:
            for statement in tally.uninstall_sql(vendor) + tally.install_sql(vendor):
                cursor.execute(statement)
            if recount:
                rebuild(cursor, tally, vendor)

    def backwards(apps, schema_editor):
        if not recount:
            return
        tally, vendor = import_string(tally_path), schema_editor.connection.vendor
        with schema_editor.connection.cursor() as cursor:
            for statement in tally.uninstall_sql(vendor):
                cursor.execute(statement)

    return migrations.RunPython(forwards, backwards)
