"""Trigram indexes for searching projects by code, name or investor (PostgreSQL only).

They serve LIKE and ILIKE '%term%' for terms of three characters or more (see
core.search); other databases search by reading the table, as before.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ["code", "name", "investor"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS project_{column}_trgm "
            f"ON projects_project USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS project_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_project_list_order")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
