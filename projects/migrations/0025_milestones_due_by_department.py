"""The open milestones' indexes lead with the department after the city, then hold the
digest's order (projects/models/deadline_indexes.py): a digest counts each department's
milestones due from the index alone and reads its most urgent as the first entries of
one range, instead of ranking a city's 20,000 rows in a window
(notifications.item_queries.first_per_department). Each new index is
built CONCURRENTLY on PostgreSQL before the old one goes (not atomic: a run again after an
interruption keeps what was built), so writers never wait and the reminders keep an index
throughout."""

from django.db import migrations, models

from core.foreign_key_indexes import build_index, drop_index


def replaced(milestone, stage, planned):
    old = models.Index(
        fields=["tenant", planned], condition=models.Q(stage=stage), name=f"{milestone}_due"
    )
    new = models.Index(
        fields=["tenant", "responsible_department", planned, "code", "id"],
        condition=models.Q(stage=stage),
        name=f"{milestone}_due_dept",
    )
    return [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="project", index=new)],
            database_operations=[build_index("projects", "project", new)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveIndex(model_name="project", name=old.name)],
            database_operations=[drop_index("projects", "project", old)],
        ),
    ]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("projects", "0024_tally_triggers_year_zero")]

    operations = [
        *replaced("project_start", "signed", "planned_start_on"),
        *replaced("project_production", "under_construction", "planned_production_on"),
    ]
