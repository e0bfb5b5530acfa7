"""The project tally's triggers again (core.tallies): a project whose ledger year is 0 (only
raw SQL can store one) was counted twice in the "all years" cells, its own cell and its
copy being the same. Only the triggers' functions change; a check (``check_tallies``) now
finds such a project's cells and ``--repair`` rebuilds them."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from projects.tallies import PROJECT_TALLY

    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for statement in PROJECT_TALLY.uninstall_sql(vendor) + PROJECT_TALLY.install_sql(vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("projects", "0023_tally_checks")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
