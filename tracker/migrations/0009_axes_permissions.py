from django.db import migrations

from tracker.roles import SUPERVISORS, grant_permissions


# Supervisors read the login records of django-axes and unlock an account or address by
# deleting its access attempt; officials get none of them. Nobody adds or edits records.
def grant(apps, schema_editor):
    grant_permissions(
        apps,
        {
            SUPERVISORS: [
                "axes.view_accessattempt",
                "axes.delete_accessattempt",
                "axes.view_accesslog",
                "axes.view_accessfailurelog",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0008_version"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
