from django.db import migrations

from tracker.roles import OFFICIALS, SUPERVISORS, all_permissions, grant_permissions

# Which items and areas an official may change is the department rule's business
# (cooperation.services), not the permission's; counterparts are reference data.
READ = [
    "cooperation.view_counterpart",
    "cooperation.view_cooperationitem",
    "cooperation.view_agreementarea",
    "cooperation.view_cooperationupdate",
    "cooperation.view_cooperationevidence",
]
# Reports are history: added and read, never changed or deleted.
REPORT = ["cooperation.add_cooperationupdate"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        {
            SUPERVISORS: [
                *all_permissions(
                    "cooperation", ["counterpart", "cooperationitem", "agreementarea"]
                ),
                *READ,
                *REPORT,
            ],
            OFFICIALS: [
                *READ,
                *REPORT,
                "cooperation.add_cooperationitem",
                "cooperation.change_cooperationitem",
                # The areas of their own department's agreements.
                "cooperation.add_agreementarea",
                "cooperation.change_agreementarea",
                "cooperation.delete_agreementarea",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0001_initial"),
        ("tracker", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
