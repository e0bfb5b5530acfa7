"""ProjectTally (issue 20): the table, the triggers that keep it (projects.tallies declares
them, core.tallies writes them for the engine at hand) and the cells of the projects
already stored, counted while writers wait (PostgreSQL: SHARE lock on the projects)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from core.tallies import rebuild
    from projects.tallies import PROJECT_TALLY

    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for statement in PROJECT_TALLY.uninstall_sql(vendor) + PROJECT_TALLY.install_sql(vendor):
            cursor.execute(statement)
        rebuild(cursor, PROJECT_TALLY, vendor)


def uninstall(apps, schema_editor):
    from projects.tallies import PROJECT_TALLY

    with schema_editor.connection.cursor() as cursor:
        for statement in PROJECT_TALLY.uninstall_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_courting")]

    operations = [
        migrations.CreateModel(
            name="ProjectTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dim", models.CharField(max_length=40, verbose_name="dimension")),
                ("year", models.PositiveSmallIntegerField(verbose_name="ledger year")),
                ("tenant_id", models.CharField(max_length=6, verbose_name="city code")),
                ("stage", models.CharField(max_length=32, verbose_name="stage")),
                ("key", models.CharField(max_length=64, verbose_name="key")),
                ("projects", models.BigIntegerField(verbose_name="projects")),
                (
                    "total_investment_cents",
                    models.BigIntegerField(verbose_name="total investment (cents of 万元)"),
                ),
                (
                    "funds_in_place_cents",
                    models.BigIntegerField(verbose_name="funds in place (cents of 万元)"),
                ),
            ],
            options={
                "verbose_name": "project tally",
                "verbose_name_plural": "project tallies",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("dim", "year", "tenant_id", "stage", "key"),
                        name="project_tally_cell",
                    ),
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
