"""The two roles of the tracker, as Django groups with model permissions.

Each app grants its models' permissions to these groups in a data migration
(``grant_permissions``); tracker also grants those of regions, which sits below it and
knows nothing of roles.
Department scoping (an official changes only their own department's projects and
tasks) is not a permission but a rule on objects: see ``tracker.permissions``.
"""

from django.contrib.auth.management import create_permissions

# Group names are shown to supervisors in the admin, so they are in Chinese.
SUPERVISORS = "督办人员"
OFFICIALS = "部门工作人员"


def grant_permissions(apps, grants):
    """Give groups permissions: ``grants`` maps a group name to "app_label.codename" items.

    For use in data migrations: permissions are normally created after all
    migrations have run, so they are created here first.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for group_name, permissions in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def all_permissions(app_label, model_names):
    return [
        f"{app_label}.{action}_{model}"
        for model in model_names
        for action in ("add", "change", "delete", "view")
    ]
