from django.db import migrations

from tracker.roles import OFFICIALS, SUPERVISORS, grant_permissions

# Officials raise problems and add notes through the steps; which problems they may change
# is the department rule's business (projects.blockers), not the permission's.
BLOCKER_PERMISSIONS = [
    "projects.add_blocker",
    "projects.change_blocker",
    "projects.view_blocker",
    "projects.view_blockerstep",
    "projects.view_blockerevidence",
]


def grant(apps, schema_editor):
    grant_permissions(apps, {SUPERVISORS: BLOCKER_PERMISSIONS, OFFICIALS: BLOCKER_PERMISSIONS})


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_blockers")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
