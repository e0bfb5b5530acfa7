"""The weekly digests' schedule runs every morning at 08:00; plan_weekly decides the day.

tracker/migrations/0006_schedules.py installed it for Mondays at 08:00. A holiday Monday
now moves the digests to the week's first working day, which only the plan can know (it
reads China's working-day calendar), so beat calls it daily and it plans once a week.
A schedule a supervisor has changed from the default is left as it is.
"""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Shanghai"
TASK = "tracker.send_digests"
MONDAYS = {"minute": "0", "hour": "8", "day_of_week": "1"}
DAILY = {"minute": "0", "hour": "8", "day_of_week": "*"}


def crontab(apps, fields):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        **fields, day_of_month="*", month_of_year="*", timezone=TIME_ZONE
    )
    return schedule


def move(apps, old, new):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    tasks = PeriodicTask.objects.filter(
        task=TASK,
        crontab__minute=old["minute"],
        crontab__hour=old["hour"],
        crontab__day_of_week=old["day_of_week"],
        crontab__day_of_month="*",
        crontab__month_of_year="*",
    )
    if tasks.exists():
        tasks.update(crontab=crontab(apps, new))
        # What django-celery-beat's signals do on a save: tell a running beat to reload.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def every_morning(apps, schema_editor):
    move(apps, MONDAYS, DAILY)


def mondays_only(apps, schema_editor):
    move(apps, DAILY, MONDAYS)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_dispatch_rung"),
        ("tracker", "0006_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_morning, mondays_only)]
