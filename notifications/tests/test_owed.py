"""Reports owed on a schedule (按期填报) and receipts owed (签收) in the morning reminders and
the weekly digests, on the real calendar: the September cut-off (the 25th, Mid-Autumn
2026) moves to Monday 28 September 23:59, and a task assigned on 30 September owes its
receipt two working days later, after National Day: 9 October."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.models import Dispatch
from notifications.services import send_digests, send_reminders
from notifications.tests.world import body, item_link, make_task, of_kind, subject, to
from tracker.choices import TaskStatus
from tracker.models import KeyTask
from tracker.services import record_task_update

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY = D(2026, 10, 12)
LATER = D(2026, 12, 31)  # far from any rung of the ladder


def at(day, hour, minute=0):
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def assigned(work_point, department, code, when):
    task = make_task(work_point, department, code, LATER)
    KeyTask.objects.filter(pk=task.pk).update(assigned_at=when)
    return task


def reported(work_point, department, code):
    task = make_task(work_point, department, code, LATER)
    KeyTask.objects.filter(pk=task.pk).update(year=work_point.year)  # a valid task
    task.refresh_from_db()
    record_task_update(
        task=task, reported_on=D(2026, 10, 9), status=TaskStatus.IN_PROGRESS, progress=10
    )
    return task


def zh(text):
    with translation.override("zh-hans"):
        return gettext(text)


REPORTS = "Progress reports missing at the last cut-off"
RECEIPTS = "Tasks not acknowledged in time"


@pytest.fixture
def owing(people, work_point, department, other_department):
    make_task(work_point, department, "KT-R1", LATER)  # never reported
    make_task(work_point, department, "KT-R2", LATER)
    assigned(work_point, department, "KT-A", at(D(2026, 9, 30), 10))  # receipt due 9 Oct
    assigned(work_point, department, "KT-NEW", at(D(2026, 10, 12), 9))  # due 14 Oct 09:00
    reported(work_point, department, "KT-P")
    make_task(work_point, other_department, "KT-O", LATER)
    return department


def test_the_morning_reminder_lists_missing_reports_and_overdue_receipts(smtp_server, owing):
    send_reminders(MONDAY)
    [reminder] = to(of_kind(smtp_server.messages, Dispatch.Kind.REMINDER), "a@example.gov")
    text = body(reminder)
    # The sections' headings, each followed by its count.
    reports, receipts = text.index(f"{zh(REPORTS)} ("), text.index(f"{zh(RECEIPTS)} (")
    assert reports < text.index("KT-R1") < text.index("KT-R2") < receipts
    assert receipts < text.index("KT-A ")
    assert "2026-09-28 23:59" in text  # the cut-off, moved past Mid-Autumn
    assert "2026-10-09 10:00" in text  # the receipt's deadline, past National Day
    for absent in ("KT-P", "KT-NEW", "KT-O"):
        assert absent not in text
    assert f"lead_department__id__exact={owing.pk}&reporting=missing" in text
    late = KeyTask.objects.get(code="KT-R1").pk
    assert item_link(f"task:{late}", f"/admin/tracker/keytask/{late}/change/") in text
    html = reminder.get_body(("html",)).get_content()
    assert zh(RECEIPTS) in html and "KT-R2" in html
    assert owing.short_name in subject(reminder)
    # The other department owes a report and has nothing overdue: reminded all the same.
    assert len(of_kind(smtp_server.messages, Dispatch.Kind.REMINDER)) == 3


def test_the_reminder_looks_at_the_moment_it_runs(owing):
    from notifications.daily import plan_daily

    # At 08:30 on 14 October KT-NEW's receipt (due 09:00) is not late yet.
    morning = [
        d
        for d in plan_daily(D(2026, 10, 14), now=at(D(2026, 10, 14), 8, 30))
        if d.recipient == "a@example.gov"
    ]
    assert "KT-A " in morning[0].body_text and "KT-NEW" not in morning[0].body_text
    # A run by hand for that day looks at its end.
    Dispatch.objects.all().delete()
    by_hand = [d for d in plan_daily(D(2026, 10, 14)) if d.recipient == "a@example.gov"]
    assert "KT-NEW" in by_hand[0].body_text


def test_digests_list_what_is_owed_and_rank_the_departments_that_missed_the_cut_off(
    smtp_server, owing
):
    send_digests(MONDAY)
    digests = of_kind(smtp_server.messages, Dispatch.Kind.DIGEST)
    own = body(to(digests, "a@example.gov")[0])
    assert zh(REPORTS) in own and zh(RECEIPTS) in own
    assert all(code in own for code in ("KT-R1", "KT-R2", "KT-A "))
    assert "KT-O" not in own and "KT-P" not in own
    city = to(digests, "boss@example.gov")[0]
    text = body(city)
    commerce, tech = "- 德州市商务局：2 / 1", "- 德州市科学技术局：1 / 0"
    assert text.index(commerce) < text.index(tech)  # most first
    html = city.get_body(("html",)).get_content()
    assert html.index("德州市商务局</td>") < html.index("德州市科学技术局</td>")
