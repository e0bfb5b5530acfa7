"""Migration 0003 made the home city's settings row with the explicit id 1, which leaves
PostgreSQL's id sequence at its start: the first row of a second city (or a province)
would take id 1 again. Move the sequence past the rows there are."""

from django.db import migrations


def reset_sequence(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite takes the next id from the table itself
    model = apps.get_model("performance", "RankingSettings")
    for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def no_style():
    from django.core.management.color import no_style as plain

    return plain()


class Migration(migrations.Migration):
    dependencies = [("performance", "0004_tenants")]

    operations = [migrations.RunPython(reset_sequence, migrations.RunPython.noop)]
