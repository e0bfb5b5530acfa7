"""No reminder or digest on a day off (China's official calendar), tried as a user would,
with the commands: National Day 2026 runs from Thursday 1 to Wednesday 7 October, and
Saturday 10 October is a make-up working day."""

import datetime

import pytest
from django.core.management import call_command
from django.utils.html import escape

from notifications.models import Dispatch
from notifications.tests.world import make_task, of_kind, subject, to
from workdays.calendar import missing_year_warning
from workdays.models import CalendarException

pytestmark = pytest.mark.django_db

D = datetime.date


def run(command, day, capsys):
    call_command(command, "--date", day.isoformat())
    return capsys.readouterr().out


def test_reminders_wait_for_a_working_day(smtp_server, people, work_point, department, capsys):
    make_task(work_point, department, "KT-LATE", D(2026, 9, 28))
    for holiday in (D(2026, 10, 5), D(2026, 10, 11)):  # National Day; an ordinary Sunday
        assert run("send_reminders", holiday, capsys).startswith("0 emails queued")
    call_command("send_reminders", "--date", "2026-10-05", "--dry-run")
    said = capsys.readouterr()
    assert "0 emails would be sent" in said.out and "2026-10-05 is a day off" in said.err
    assert smtp_server.messages == [] and not Dispatch.objects.exists()

    run("send_reminders", D(2026, 10, 10), capsys)  # the make-up Saturday
    reminders = of_kind(smtp_server.messages, Dispatch.Kind.REMINDER)
    assert sorted(m["To"] for m in reminders) == [
        "a@example.gov",
        "b@example.gov",
        "commerce@example.gov",
    ]
    assert "KT-LATE" in reminders[0].get_body(("plain",)).get_content()


def test_a_local_exception_is_obeyed_too(smtp_server, people, work_point, department, capsys):
    make_task(work_point, department, "KT-LATE", D(2026, 9, 28))
    CalendarException.objects.create(date=D(2026, 10, 12), is_workday=False, note="防汛")
    CalendarException.objects.create(date=D(2026, 10, 11), is_workday=True, note="调休")
    assert run("send_reminders", D(2026, 10, 12), capsys).startswith("0 emails queued")
    run("send_reminders", D(2026, 10, 11), capsys)
    assert of_kind(smtp_server.messages, Dispatch.Kind.REMINDER)


def test_the_digest_goes_out_on_the_first_working_day_of_a_week_with_a_holiday_monday(
    smtp_server, people, work_point, department, capsys
):
    make_task(work_point, department, "KT-LATE", D(2026, 9, 28))

    def digests():
        return sorted(m["To"] for m in of_kind(smtp_server.messages, Dispatch.Kind.DIGEST))

    for day in (D(2026, 10, 4), D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 7)):
        run("send_digests", day, capsys)  # beat runs it every morning: nothing yet
    assert digests() == []
    run("send_digests", D(2026, 10, 8), capsys)  # Thursday, the week's first working day
    week = ["a@example.gov", "boss@example.gov", "commerce@example.gov"]  # b@ opted out
    assert digests() == week
    assert {d.period for d in Dispatch.objects.filter(kind=Dispatch.Kind.DIGEST)} == {
        D(2026, 10, 5)  # the week's Monday: once a week
    }
    for day in (D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 11)):
        run("send_digests", day, capsys)
    assert digests() == week
    run("send_digests", D(2026, 10, 12), capsys)  # an ordinary Monday: the next week's
    assert digests() == sorted(week * 2)


def test_a_digest_missed_on_the_first_working_day_goes_out_on_the_next_once(
    smtp_server, people, work_point, department, capsys
):
    make_task(work_point, department, "KT-LATE", D(2026, 9, 28))
    run("send_digests", D(2026, 10, 9), capsys)  # beat was down on the 8th
    run("send_digests", D(2026, 10, 10), capsys)
    assert len(of_kind(smtp_server.messages, Dispatch.Kind.DIGEST)) == 3


def test_the_supervisors_digest_warns_when_next_year_s_calendar_is_missing(
    smtp_server, people, work_point, department, capsys
):
    make_task(work_point, department, "KT-LATE", D(2026, 9, 28))
    run("send_digests", D(2026, 11, 30), capsys)  # November: no warning yet
    # A Monday in a year the installed calendar does not cover (the warning then says so
    # all year): from December on it warns about the next year the same way.
    uncovered = D(2099, 6, 1) - datetime.timedelta(days=D(2099, 6, 1).weekday())
    warning = missing_year_warning(uncovered)
    assert warning and missing_year_warning(D(2026, 11, 30)) is None
    run("send_digests", uncovered, capsys)
    city = to(smtp_server.messages, "boss@example.gov")
    assert len(city) == 2
    texts = [m.get_body(("plain",)).get_content() for m in city]
    assert warning not in texts[0] and warning in texts[1]
    assert escape(warning) in city[1].get_body(("html",)).get_content()
    official = to(smtp_server.messages, "a@example.gov")[-1]
    assert (
        "2099" in subject(official) and warning not in official.get_body(("plain",)).get_content()
    )


def test_the_digests_schedule_moves_to_every_morning_unless_a_supervisor_changed_it():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    migration = importlib.import_module("notifications.migrations.0004_daily_digest_schedule")
    digests = PeriodicTask.objects.get(task="tracker.send_digests")
    assert str(digests.crontab).startswith("0 8 * * *")
    migration.mondays_only(apps, None)  # backwards
    digests.refresh_from_db()
    assert str(digests.crontab).startswith("0 8 * * 1")
    migration.every_morning(apps, None)
    digests.refresh_from_db()
    assert str(digests.crontab).startswith("0 8 * * *")
    changed, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", day_of_week="2", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.filter(pk=digests.pk).update(crontab=changed)
    migration.every_morning(apps, None)
    digests.refresh_from_db()
    assert digests.crontab == changed
