from django.db import migrations

from tracker.roles import OFFICIALS, SUPERVISORS, all_permissions, grant_permissions


# tracker grants the permissions on regions' models too: regions knows nothing of roles.
REGION_MODELS = ["division", "park", "counterpartpairing"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        {
            SUPERVISORS: [
                *all_permissions("regions", REGION_MODELS),
                *all_permissions("tracker", ["department", "official", "workpoint", "keytask"]),
                # Reports are history: added and read, never changed or deleted.
                "tracker.add_taskupdate",
                "tracker.view_taskupdate",
            ],
            OFFICIALS: [
                *[f"regions.view_{model}" for model in REGION_MODELS],
                "tracker.view_department",
                "tracker.view_official",
                "tracker.view_workpoint",
                # Only their own department's tasks, by tracker.permissions.
                "tracker.add_keytask",
                "tracker.change_keytask",
                "tracker.view_keytask",
                "tracker.add_taskupdate",
                "tracker.view_taskupdate",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_historicaldepartment_historicalkeytask_and_more"),
        ("regions", "0002_historicalcounterpartpairing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
