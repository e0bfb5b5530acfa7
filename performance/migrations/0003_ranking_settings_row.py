"""The one row of ranking settings, with the defaults (docs/rankings.md), so that
supervisors find it to edit and the admin never offers to add a second.

Its history starts with the defaults dated 1 January 2000 (the first ledger year): a past
period is ranked with the settings in force at its end, so the defaults stay in force for
every period before a supervisor's first change."""

import datetime

from django.db import migrations

SINCE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def create(apps, schema_editor):
    settings, created = apps.get_model("performance", "RankingSettings").objects.get_or_create(
        pk=1
    )
    history = apps.get_model("performance", "HistoricalRankingSettings")
    if created and not history.objects.exists():
        fields = {
            field.attname: getattr(settings, field.attname)
            for field in settings._meta.concrete_fields
        }
        history.objects.create(
            **fields, history_date=SINCE, history_type="+", history_change_reason=None
        )


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_roles")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
