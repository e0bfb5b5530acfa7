"""The tasks a department is chased for, indexed department first in the digest's order
(tracker/models/tasks.py): a digest counts each department's from the index alone and
reads its most urgent as the first entries of one range, instead of ranking a city's
tasks in a window (notifications.item_queries.first_per_department). Built CONCURRENTLY
on PostgreSQL (not atomic: a run again after an interruption keeps what was built)."""

from django.db import migrations, models

from core.foreign_key_indexes import build_index

INDEX = models.Index(
    fields=["tenant", "lead_department", "deadline", "code", "id"],
    condition=models.Q(state__in=("assigned", "received", "in_progress")),
    name="keytask_chased_by_department",
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tracker", "0017_covering_status_deadline")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="keytask", index=INDEX)],
            database_operations=[build_index("tracker", "keytask", INDEX)],
        )
    ]
