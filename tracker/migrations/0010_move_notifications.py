"""Dispatch and Heartbeat now belong to notifications (its 0001): tracker forgets them.

State only: their tables stay as they are (notifications' models keep the names). Their
content types are relabelled, not recreated, so the permissions on them (the supervisors'
view and change of the dispatch log, granted in 0006) and the admin's log entries stay
attached to the same rows.
"""

from django.db import migrations

MODELS = ["dispatch", "heartbeat"]


def relabel(old_label, new_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MODELS:
            # A content type under the new label can only be a fresh one, made by a
            # create_permissions() of another app's migration that ran between
            # notifications' 0001 and this one; nobody holds its permissions. The old
            # one carries the grants, so it wins.
            ContentType.objects.filter(app_label=new_label, model=model).delete()
            ContentType.objects.filter(app_label=old_label, model=model).update(
                app_label=new_label
            )

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0009_axes_permissions"),
        ("notifications", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Dispatch"),
                migrations.DeleteModel(name="Heartbeat"),
            ],
        ),
        migrations.RunPython(
            relabel("tracker", "notifications"), relabel("notifications", "tracker")
        ),
    ]
