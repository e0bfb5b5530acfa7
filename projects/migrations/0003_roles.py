from django.db import migrations

from tracker.roles import OFFICIALS, SUPERVISORS, all_permissions, grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        {
            SUPERVISORS: [
                *all_permissions("projects", ["industrychain", "project"]),
                # Reports are history: added and read, never changed or deleted.
                "projects.add_projectupdate",
                "projects.view_projectupdate",
            ],
            OFFICIALS: [
                "projects.view_industrychain",
                # Only their own department's projects, by tracker.permissions.
                "projects.add_project",
                "projects.change_project",
                "projects.view_project",
                "projects.add_projectupdate",
                "projects.view_projectupdate",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_historicalproject_historicalprojectupdate"),
        ("tracker", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
