"""The project list's order within one city, (tenant, -year, code, id): a city user's page at
any depth is one range scan of their own city's rows (at 1,000,000 projects over 25 cities,
page 100 of a city's list walked 125,000 rows of the province-wide index). Built
CONCURRENTLY on PostgreSQL, as 0017 does."""

from importlib import import_module

from django.db import migrations, models
from django.db.models import F

import core.keyset

# Concurrently on PostgreSQL, plainly elsewhere (defined with the list's first index).
AddIndexOnline = import_module("projects.migrations.0017_list_keyset").AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("projects", "0018_check_tallies_schedule")]

    operations = [
        AddIndexOnline(
            model_name="project",
            index=models.Index(
                F("tenant"),
                core.keyset.Negated("year"),
                F("code"),
                F("id"),
                name="project_tenant_keyset",
            ),
        ),
    ]
