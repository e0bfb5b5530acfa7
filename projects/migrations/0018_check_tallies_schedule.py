"""Install beat's nightly check of the statistics tally (projects.check_tallies, on the bulk
queue): it recounts every cell from the projects and logs an error when one differs
(docs/tallies.md). Editable later by supervisors, like the other schedules."""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Shanghai"
NAME = "统计汇总核对 (nightly tally check)"
TASK = "projects.check_tallies"


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_night, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "crontab": every_night})
    # What django-celery-beat's signals do on a save: tell a running beat to reload.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0017_list_keyset"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
