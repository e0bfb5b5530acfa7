"""Install the default schedules (editable later by supervisors in the admin)."""

from django.db import migrations

from tracker.roles import SUPERVISORS, grant_permissions

TIME_ZONE = "Asia/Shanghai"


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=TIME_ZONE,
    )
    weekly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone=TIME_ZONE,
    )
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="每日逾期提醒 (daily reminders)",
        defaults={"task": "tracker.send_reminders", "crontab": daily},
    )
    PeriodicTask.objects.get_or_create(
        name="每周时限周报 (weekly digests)",
        defaults={"task": "tracker.send_digests", "crontab": weekly},
    )
    PeriodicTask.objects.get_or_create(
        name="重发失败邮件 (retry failed emails)",
        defaults={"task": "tracker.deliver_due", "interval": every_five_minutes},
    )
    grant_permissions(
        apps,
        {
            SUPERVISORS: [
                "django_celery_beat.view_periodictask",
                "django_celery_beat.change_periodictask",
                "django_celery_beat.view_crontabschedule",
                "django_celery_beat.add_crontabschedule",
                "django_celery_beat.change_crontabschedule",
                "django_celery_beat.view_intervalschedule",
                "tracker.view_dispatch",
                "tracker.change_dispatch",
            ]
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0005_dispatch_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
