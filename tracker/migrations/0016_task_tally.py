"""TaskTally (issue 20): the table, the triggers that keep it (tracker.tallies declares
them, core.tallies writes them for the engine at hand) and the cells of the key tasks
already stored."""

from django.db import migrations, models

from core.tally_migrations import installed


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0015_report_created_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dim", models.CharField(max_length=40, verbose_name="dimension")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("tenant_id", models.CharField(max_length=6, verbose_name="city code")),
                ("status", models.CharField(max_length=16, verbose_name="status")),
                ("key", models.CharField(max_length=64, verbose_name="key")),
                ("tasks", models.BigIntegerField(verbose_name="key tasks")),
            ],
            options={
                "verbose_name": "key task tally",
                "verbose_name_plural": "key task tallies",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("dim", "year", "tenant_id", "status", "key"), name="task_tally_cell"
                    )
                ],
            },
        ),
        installed("tracker.tallies.TASK_TALLY"),
    ]
