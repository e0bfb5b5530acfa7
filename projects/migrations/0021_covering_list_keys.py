"""The list's two keyset indexes carry the year, the city and the stage (INCLUDE), so that
PostgreSQL reads a page's ids from the index alone while it checks a province's rule (its
own rows, or its cities' at the shared stages) or a stage filter: at 1,000,000 projects a
province's page 100 walked 37,000 index entries and visited each one's row (44 ms); from
the index alone, 4.4 ms. The year itself must be there too: PostgreSQL reads an index alone
only when it holds the query's columns, and the key holds -year, not year.

On PostgreSQL each index is built anew under a temporary name CONCURRENTLY, the old one
dropped CONCURRENTLY and the new one renamed, so the lists keep their index and the table
keeps taking writes throughout (the migration is not atomic; a run stopped halfway is run
again from the start). SQLite has no covering indexes (Django leaves INCLUDE out there):
its indexes stay as they are."""

from django.db import migrations, models
from django.db.models import F

from core.keyset import Negated

LIST = (Negated("year"), F("code"), F("id"))
TENANT_LIST = (F("tenant"), Negated("year"), F("code"), F("id"))
SWAPS = [
    ("project_list_keyset", LIST, ("year", "tenant", "stage")),
    ("project_tenant_keyset", TENANT_LIST, ("year", "stage")),
]


def swap(include_columns):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        project = apps.get_model("projects", "Project")
        for name, expressions, include in SWAPS:
            built = f"{name}_new"
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{built}"')
            index = models.Index(
                *expressions, name=built, include=include if include_columns else None
            )
            schema_editor.add_index(project, index, concurrently=True)
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
            schema_editor.execute(f'ALTER INDEX "{built}" RENAME TO "{name}"')

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("projects", "0020_deadline_indexes"),
        ("regions", "0004_tenants"),
        ("tracker", "0014_tenants"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                *(
                    migrations.RemoveIndex(model_name="project", name=name)
                    for name, _expressions, _include in SWAPS
                ),
                *(
                    migrations.AddIndex(
                        model_name="project",
                        index=models.Index(*expressions, include=include, name=name),
                    )
                    for name, expressions, include in SWAPS
                ),
            ],
            database_operations=[migrations.RunPython(swap(True), swap(False))],
        ),
    ]
