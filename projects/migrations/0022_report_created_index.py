"""A project's reports are indexed by (project, created_at): whether a key project has
reported since its cycle opened, and when it last did, is one index probe
(tracker.reporting.owing), where the foreign key's own index made PostgreSQL read every
report's row (ten a project at province scale). The new index serves the foreign key's
look-ups too, so the key's own index goes (core.foreign_key_indexes). Both CONCURRENTLY
on PostgreSQL: the migration is not atomic."""

from django.db import migrations, models

from core.foreign_key_indexes import build_index, fold_index

INDEX = models.Index(fields=["project", "created_at"], name="projectupdate_project_created")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("projects", "0021_covering_list_keys")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="projectupdate", index=INDEX)],
            database_operations=[build_index("projects", "projectupdate", INDEX)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="projectupdate",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="updates",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
            ],
            database_operations=[fold_index("projects", "projectupdate", "project")],
        ),
    ]
