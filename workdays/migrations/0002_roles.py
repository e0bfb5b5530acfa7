from django.contrib.auth.management import create_permissions
from django.db import migrations

# The roles' group names, as tracker.roles spells them: workdays sits below tracker and may
# not import it, so the few lines of tracker.roles.grant_permissions are repeated here.
SUPERVISORS = "督办人员"
OFFICIALS = "部门工作人员"

# Supervisors keep the local exceptions; officials read them (their deadlines depend on them).
GRANTS = {
    SUPERVISORS: [
        f"{action}_calendarexception" for action in ("add", "change", "delete", "view")
    ],
    OFFICIALS: ["view_calendarexception"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Permissions are normally created after all migrations have run: create ours first.
    app_config = apps.get_app_config("workdays")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="workdays", codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("workdays", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
