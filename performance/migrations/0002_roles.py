from django.db import migrations

from tracker.roles import OFFICIALS, SUPERVISORS, grant_permissions

# Supervisors change the one settings row (and add it if missing) and the targets; officials
# read both.
SUPERVISOR_PERMISSIONS = [
    "performance.add_rankingsettings",
    "performance.change_rankingsettings",
    "performance.view_rankingsettings",
    "performance.add_target",
    "performance.change_target",
    "performance.delete_target",
    "performance.view_target",
]
OFFICIAL_PERMISSIONS = ["performance.view_rankingsettings", "performance.view_target"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        {SUPERVISORS: SUPERVISOR_PERMISSIONS, OFFICIALS: OFFICIAL_PERMISSIONS},
    )


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial"), ("tracker", "0012_task_evidence")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
