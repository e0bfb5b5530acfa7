"""Reminders and digests, each at the edge of its rule, over real SMTP.

These tests predate the supervision loop: they run without the escalation ladder and
without report cycles for key tasks (``reminders_only``); test_ladder.py, test_owed.py and
test_workdays.py cover those.
"""

import datetime

import pytest
from django.core.management import call_command

from notifications.dispatch import claim, deliver_due
from notifications.models import Dispatch
from notifications.services import send_digests, send_reminders
from notifications.tests.world import item_link, make_task, subject, to
from projects.choices import Stage
from tracker.choices import TaskStatus
from tracker.models import KeyTask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminders_only")]

MONDAY = datetime.date(2023, 7, 3)


def test_overdue_reminder_once_per_department_and_day_most_overdue_first(
    smtp_server, people, work_point, department
):
    make_task(work_point, department, "KT-A", MONDAY - datetime.timedelta(days=2))
    make_task(work_point, department, "KT-B", MONDAY - datetime.timedelta(days=5))
    make_task(
        work_point,
        department,
        "KT-DONE",
        MONDAY - datetime.timedelta(days=9),
        status=TaskStatus.DONE,
        progress=100,
        completed_on=MONDAY,
    )
    make_task(work_point, department, "KT-TODAY", MONDAY)  # due today: not overdue
    send_reminders(MONDAY)
    reminders = [m for m in smtp_server.messages if "逾期" in subject(m)]
    assert sorted(m["To"] for m in reminders) == [
        "a@example.gov",
        "b@example.gov",
        "commerce@example.gov",
    ]
    body = reminders[0].get_body(("plain",)).get_content()
    assert body.index("KT-B") < body.index("KT-A")  # most overdue first
    assert "KT-DONE" not in body and "KT-TODAY" not in body
    late = KeyTask.objects.get(code="KT-B").pk
    assert item_link(f"task:{late}", f"/admin/tracker/keytask/{late}/change/") in body
    html = reminders[0].get_body(("html",)).get_content()
    assert "KT-B" in html and "viewport" in html
    # The same day again, or a retried task: nothing more.
    send_reminders(MONDAY)
    call_command("send_reminders", "--date", MONDAY.isoformat(), verbosity=0)
    assert len([m for m in smtp_server.messages if "逾期" in subject(m)]) == 3
    # The next day: a new reminder.
    send_reminders(MONDAY + datetime.timedelta(days=1))
    assert len([m for m in smtp_server.messages if "逾期" in subject(m)]) == 6


def test_project_milestones_are_a_deadline_source(smtp_server, people, project):
    project.stage = Stage.SIGNED
    project.signed_on = datetime.date(2023, 1, 1)
    project.planned_start_on = MONDAY - datetime.timedelta(days=1)
    project.save()
    send_reminders(MONDAY)
    body = to(smtp_server.messages, "a@example.gov")[0].get_body(("plain",)).get_content()
    assert "DZ-2023-001" in body and "开工" in body
    path = f"/admin/projects/project/{project.pk}/change/"
    assert item_link(f"project-start:{project.pk}", path) in body


def test_weekly_digest_contents_opt_out_and_empty_departments(
    smtp_server, people, work_point, department, other_department
):
    make_task(work_point, department, "KT-LATE", MONDAY - datetime.timedelta(days=1))
    make_task(work_point, department, "KT-SOON", MONDAY + datetime.timedelta(days=14))
    make_task(work_point, department, "KT-LATER", MONDAY + datetime.timedelta(days=15))
    make_task(
        work_point,
        department,
        "KT-DONE",
        MONDAY,
        status=TaskStatus.DONE,
        progress=100,
        completed_on=MONDAY - datetime.timedelta(days=7),
    )
    make_task(
        work_point,
        department,
        "KT-OLD",
        MONDAY,
        status=TaskStatus.DONE,
        progress=100,
        completed_on=MONDAY - datetime.timedelta(days=8),
    )
    send_digests(MONDAY)
    digests = [m for m in smtp_server.messages if "周报" in subject(m)]
    recipients = sorted(m["To"] for m in digests)
    # b@ opted out; 市科学技术局 had nothing to report, so it gets nothing.
    assert recipients == ["a@example.gov", "boss@example.gov", "commerce@example.gov"]
    body = to(digests, "a@example.gov")[0].get_body(("plain",)).get_content()
    for code in ("KT-LATE", "KT-SOON", "KT-DONE"):
        assert code in body
    assert "KT-LATER" not in body and "KT-OLD" not in body
    city = to(digests, "boss@example.gov")[0]
    assert "全市" in subject(city) and "1 项逾期" in subject(city)
    assert "德州市商务局" in city.get_body(("html",)).get_content()


def test_digest_missed_on_monday_goes_out_on_tuesday_once(
    smtp_server, people, work_point, department
):
    make_task(work_point, department, "KT-LATE", MONDAY - datetime.timedelta(days=1))
    send_digests(MONDAY + datetime.timedelta(days=1))
    send_digests(MONDAY + datetime.timedelta(days=2))
    digests = [m for m in smtp_server.messages if "周报" in subject(m)]
    assert len(digests) == 3  # a@, commerce@, boss@: once for the week


def test_failed_send_is_kept_and_retried_until_sent(smtp_server, people, work_point, department):
    make_task(work_point, department, "KT-A", MONDAY - datetime.timedelta(days=2))
    smtp_server.refuse.add("a@example.gov")
    send_reminders(MONDAY)
    failed = Dispatch.objects.get(recipient="a@example.gov")
    assert failed.status == Dispatch.Status.FAILED
    assert "550" in failed.last_error and failed.attempts == 1
    assert deliver_due() == {}  # not before its next attempt
    smtp_server.refuse.clear()
    deliver_due(now=failed.next_attempt_at + datetime.timedelta(seconds=1))
    failed.refresh_from_db()
    assert failed.status == Dispatch.Status.SENT and failed.attempts == 2
    assert len(to(smtp_server.messages, "a@example.gov")) == 1


def test_smtp_down_then_up(settings, smtp_server, people, work_point, department):
    make_task(work_point, department, "KT-A", MONDAY - datetime.timedelta(days=2))
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    send_reminders(MONDAY)
    assert set(Dispatch.objects.values_list("status", flat=True)) == {Dispatch.Status.FAILED}
    settings.EMAIL_PORT = port
    later = max(Dispatch.objects.values_list("next_attempt_at", flat=True))
    deliver_due(now=later + datetime.timedelta(seconds=1))
    assert set(Dispatch.objects.values_list("status", flat=True)) == {Dispatch.Status.SENT}
    assert len(smtp_server.messages) == 3


def test_a_newer_email_supersedes_a_failed_one(smtp_server, people, work_point, department):
    make_task(work_point, department, "KT-A", MONDAY - datetime.timedelta(days=2))
    smtp_server.refuse.add("a@example.gov")
    send_reminders(MONDAY)
    smtp_server.refuse.clear()
    send_reminders(MONDAY + datetime.timedelta(days=1))
    old = Dispatch.objects.get(recipient="a@example.gov", period=MONDAY)
    deliver_due(now=old.next_attempt_at + datetime.timedelta(seconds=1))
    old.refresh_from_db()
    assert old.status == Dispatch.Status.SUPERSEDED
    assert len(to(smtp_server.messages, "a@example.gov")) == 1  # only the newer one


def test_only_one_process_wins_a_dispatch(people, work_point, department, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_task(work_point, department, "KT-A", MONDAY - datetime.timedelta(days=2))
    from notifications.daily import plan_daily

    dispatch = plan_daily(MONDAY)[0]
    from django.utils import timezone

    now = timezone.now()
    assert claim(dispatch.pk, now) is True
    assert claim(dispatch.pk, now) is False  # a second worker at the same moment


def test_dry_run_sends_and_records_nothing(smtp_server, people, work_point, department, capsys):
    make_task(work_point, department, "KT-A", MONDAY - datetime.timedelta(days=2))
    call_command("send_reminders", "--date", MONDAY.isoformat(), "--dry-run")
    assert "a@example.gov" in capsys.readouterr().out
    assert not Dispatch.objects.exists() and not smtp_server.messages


def test_default_schedules_are_installed():
    from django_celery_beat.models import PeriodicTask

    tasks = {task.task: task for task in PeriodicTask.objects.filter(enabled=True)}
    assert str(tasks["tracker.send_reminders"].crontab).startswith("30 8 * * *")
    # Every morning: plan_weekly picks the week's first working day.
    assert str(tasks["tracker.send_digests"].crontab).startswith("0 8 * * *")
    assert tasks["tracker.deliver_due"].interval.every == 5


def test_supervisor_previews_a_digest_and_resends_from_the_log(
    client, smtp_server, people, work_point, department
):
    from django.urls import reverse

    make_task(work_point, department, "KT-LATE", MONDAY - datetime.timedelta(days=1))
    client.force_login(people["supervisor"])
    preview = client.get(
        reverse("admin:notifications_dispatch_preview_digest"),
        {"department": department.pk, "date": MONDAY.isoformat()},
    )
    assert preview.status_code == 200
    assert "KT-LATE" in preview.content.decode() and not Dispatch.objects.exists()
    send_reminders(MONDAY)
    sent = Dispatch.objects.filter(recipient="a@example.gov")
    client.post(
        reverse("admin:notifications_dispatch_changelist"),
        {"action": "resend", "_selected_action": [d.pk for d in sent]},
    )
    deliver_due()
    assert len(to(smtp_server.messages, "a@example.gov")) == 2
    log = client.get(reverse("admin:notifications_dispatch_changelist")).content.decode()
    assert "a@example.gov" in log


def test_officials_cannot_preview_or_resend(client, people, department):
    from django.urls import reverse

    client.force_login(people["official"])
    url = reverse("admin:notifications_dispatch_preview_digest")
    assert client.get(url, {"department": department.pk, "date": "2023-07-03"}).status_code == 403
    assert client.get(reverse("admin:notifications_dispatch_changelist")).status_code == 403


def test_long_lists_show_the_most_overdue_and_count_the_rest_with_a_link(
    smtp_server, people, work_point, department, settings
):
    settings.TRACKER_EMAIL_ROWS = 3
    for number in range(1, 6):  # KT-1 is 1 day overdue, KT-5 five days
        make_task(work_point, department, f"KT-{number}", MONDAY - datetime.timedelta(days=number))
    send_reminders(MONDAY)
    [reminder] = to(smtp_server.messages, "a@example.gov")
    assert "5 项逾期" in subject(reminder)  # the subject counts every item
    body = reminder.get_body(("plain",)).get_content()
    assert [code for code in ("KT-5", "KT-4", "KT-3") if code in body] == ["KT-5", "KT-4", "KT-3"]
    assert "KT-2" not in body and "KT-1 " not in body
    assert "另有 2 项未列出" in body
    assert f"/admin/tracker/keytask/?lead_department__id__exact={department.pk}&overdue=yes" in body
    html = reminder.get_body(("html",)).get_content()
    assert "另有 2 项未列出" in html and "overdue=yes" in html


def test_the_dispatch_log_s_old_addresses_redirect_permanently(client):
    """It moved from tracker to notifications; bookmarks and links keep working."""
    old = client.get("/admin/tracker/dispatch/preview-digest/?department=1&date=2023-07-03")
    assert old.status_code == 301
    assert old["Location"] == (
        "/admin/notifications/dispatch/preview-digest/?department=1&date=2023-07-03"
    )
    assert client.get("/admin/tracker/dispatch/")["Location"] == "/admin/notifications/dispatch/"
    assert (
        client.get("/admin/tracker/dispatch/5/change/")["Location"]
        == "/admin/notifications/dispatch/5/change/"
    )


def test_tasks_keep_the_names_stored_in_the_schedules():
    from notifications import tasks

    names = {tasks.send_reminders.name, tasks.send_digests.name, tasks.deliver_due.name}
    assert names == {"tracker.send_reminders", "tracker.send_digests", "tracker.deliver_due"}


def test_every_configured_source_implements_the_contract():
    from notifications.sources import DeadlineSource, ProblemSource, problem_sources, sources

    assert [type(source).__name__ for source in sources()] == [
        "KeyTaskDeadlines",
        "MilestoneDeadlines",
        "BlockerDeadlines",
        "CooperationDeadlines",
    ]
    assert all(isinstance(source, DeadlineSource) for source in sources())
    assert [type(source).__name__ for source in problem_sources()] == ["OpenBlockers"]
    assert all(isinstance(source, ProblemSource) for source in problem_sources())


def test_a_source_that_breaks_the_contract_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    from notifications.sources import problem_sources

    settings.TRACKER_OPEN_PROBLEM_SOURCES = ["notifications.tests.world.MailServer"]
    with pytest.raises(ImproperlyConfigured, match="MailServer is not a ProblemSource"):
        problem_sources()


def test_a_resend_keeps_when_the_email_was_first_queued_and_leaves_one_being_sent(
    people, work_point, department
):
    from django.utils import timezone

    from notifications.dispatch import resend

    make_task(work_point, department, "KT-LATE", MONDAY - datetime.timedelta(days=1))
    send_reminders(MONDAY)
    first, *_ = Dispatch.objects.filter(recipient="a@example.gov")
    queued_at = first.created_at
    Dispatch.objects.filter(pk=first.pk).update(status=Dispatch.Status.PENDING)
    assert claim(first.pk, timezone.now())  # a worker is sending it right now
    assert resend([first]) == 0
    first.refresh_from_db()
    assert first.status == Dispatch.Status.SENDING and first.requeued_at is None

    Dispatch.objects.filter(pk=first.pk).update(status=Dispatch.Status.SENT)
    assert resend([first]) == 1
    first.refresh_from_db()
    assert first.status == Dispatch.Status.PENDING and first.created_at == queued_at
    assert first.requeued_at is not None
