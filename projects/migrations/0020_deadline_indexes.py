"""Partial indexes for the digests' and reminders' reads of one city's projects
(projects/models/deadline_indexes.py): at 1,000,000 projects a city's digests read its
40,000 rows five times. Built CONCURRENTLY on PostgreSQL, as 0017 does."""

from importlib import import_module

from django.db import migrations, models

# Concurrently on PostgreSQL, plainly elsewhere (defined with the list's first index).
AddIndexOnline = import_module("projects.migrations.0017_list_keyset").AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("projects", "0019_tenant_keyset"),
        ("regions", "0004_tenants"),
        ("tracker", "0014_tenants"),
    ]

    operations = [
        AddIndexOnline(
            model_name="project",
            index=models.Index(
                models.F("tenant"),
                models.F("id"),
                condition=models.Q(
                    ("is_key", True),
                    ("stage__in", ("lead", "negotiating", "signed", "under_construction")),
                ),
                name="project_key_reporting",
            ),
        ),
        AddIndexOnline(
            model_name="project",
            index=models.Index(
                condition=models.Q(("stage", "signed")),
                fields=["tenant", "planned_start_on"],
                name="project_start_due",
            ),
        ),
        AddIndexOnline(
            model_name="project",
            index=models.Index(
                condition=models.Q(
                    ("planned_start_on__isnull", False), ("started_on__isnull", False)
                ),
                fields=["tenant", "started_on"],
                name="project_start_done",
            ),
        ),
        AddIndexOnline(
            model_name="project",
            index=models.Index(
                condition=models.Q(("stage", "under_construction")),
                fields=["tenant", "planned_production_on"],
                name="project_production_due",
            ),
        ),
        AddIndexOnline(
            model_name="project",
            index=models.Index(
                condition=models.Q(
                    ("planned_production_on__isnull", False), ("produced_on__isnull", False)
                ),
                fields=["tenant", "produced_on"],
                name="project_production_done",
            ),
        ),
    ]
