"""A key task's reports are indexed by (task, created_at), as projects' are (projects
0022): whether a task has reported since its cycle opened is one index probe. The
foreign key's own index goes; both CONCURRENTLY on PostgreSQL (not atomic)."""

from importlib import import_module

from django.db import migrations, models

from core.foreign_key_indexes import fold_index

AddIndexOnline = import_module("projects.migrations.0017_list_keyset").AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tracker", "0014_tenants"),
        ("projects", "0017_list_keyset"),  # AddIndexOnline
    ]

    operations = [
        AddIndexOnline(
            model_name="taskupdate",
            index=models.Index(fields=["task", "created_at"], name="taskupdate_task_created"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="taskupdate",
                    name="task",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="updates",
                        to="tracker.keytask",
                        verbose_name="key task",
                    ),
                ),
            ],
            database_operations=[fold_index("tracker", "taskupdate", "task")],
        ),
    ]
