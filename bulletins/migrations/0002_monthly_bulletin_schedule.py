"""Install beat's schedule for the monthly bulletin's email (editable later by supervisors).

The task runs every morning at 08:15; it decides itself whether today is the month's first
working day (China's calendar), as the weekly digests do (notifications 0004).
"""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Shanghai"
NAME = "每月通报 (monthly bulletin)"
TASK = "bulletins.send_monthly_bulletin"


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "crontab": every_morning})
    # What django-celery-beat's signals do on a save: tell a running beat to reload.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0001_initial"),
        ("notifications", "0004_daily_digest_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
