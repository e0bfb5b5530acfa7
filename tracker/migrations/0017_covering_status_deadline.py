"""The open-and-due index of key tasks covers what the task statistics count of the open
tasks not due yet (tracker.tallies): per department, work point or city from the index
alone. Built CONCURRENTLY on PostgreSQL before the old one goes (not atomic: a run again
after an interruption keeps what was built), so writers never wait and the deadline
sources keep an index throughout."""

from django.db import migrations, models

from core.foreign_key_indexes import build_index, drop_index

OLD = models.Index(fields=["status", "deadline"], name="keytask_status_deadline")
NEW = models.Index(
    fields=["status", "deadline"],
    include=("lead_department", "work_point", "tenant", "year", "id"),
    name="keytask_status_deadline_incl",
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("regions", "0004_tenants"), ("tracker", "0016_task_tally")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="keytask", index=NEW)],
            database_operations=[build_index("tracker", "keytask", NEW)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="keytask", name="keytask_status_deadline")
            ],
            database_operations=[drop_index("tracker", "keytask", OLD)],
        ),
    ]
