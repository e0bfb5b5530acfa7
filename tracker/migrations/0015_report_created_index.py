"""A key task's reports are indexed by (task, created_at), as projects' are (projects
0022): whether a task has reported since its cycle opened is one index probe. The
foreign key's own index goes; both CONCURRENTLY on PostgreSQL (not atomic)."""

from django.db import migrations, models

from core.foreign_key_indexes import build_index, fold_index

INDEX = models.Index(fields=["task", "created_at"], name="taskupdate_task_created")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tracker", "0014_tenants")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="taskupdate", index=INDEX)],
            database_operations=[build_index("tracker", "taskupdate", INDEX)],
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
