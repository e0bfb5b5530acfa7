"""The project lists' order becomes total, (-year, code, id), served by one expression
index (core.keyset): project_list_keyset replaces project_list_order.

On PostgreSQL both indexes are built and dropped CONCURRENTLY (the migration is not
atomic), so a deployment with a million projects keeps taking writes while it runs; other
engines use the plain statements."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.models import F

import core.keyset


class AddIndexOnline(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (concurrently on PostgreSQL)"


class RemoveIndexOnline(RemoveIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("projects", "0016_search_grams")]

    operations = [
        migrations.AlterModelOptions(
            name="project",
            options={
                "ordering": [core.keyset.Negated("year").asc(), "code", "id"],
                "verbose_name": "project",
                "verbose_name_plural": "projects",
            },
        ),
        # The new index first: the lists keep an index while the old one goes.
        AddIndexOnline(
            model_name="project",
            index=models.Index(
                core.keyset.Negated("year"), F("code"), F("id"), name="project_list_keyset"
            ),
        ),
        RemoveIndexOnline(model_name="project", name="project_list_order"),
    ]
