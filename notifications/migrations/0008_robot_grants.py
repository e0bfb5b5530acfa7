"""Officials manage their own department's group robots, supervisors all of them (the
department rule on the data path decides which rows).
"""

from django.db import migrations

from tracker.roles import OFFICIALS, SUPERVISORS, grant_permissions

# No delete: a robot with messages in the dispatch log is switched off (is_active), so that
# the log keeps saying where each message went.
ROBOTS = [f"notifications.{action}_grouprobot" for action in ("add", "change", "view")]


def grant(apps, schema_editor):
    grant_permissions(apps, {SUPERVISORS: ROBOTS, OFFICIALS: ROBOTS})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_channels_endpoints"), ("tracker", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
