"""Problems are a deadline source: one being coordinated climbs the escalation ladder of
its coordinating department like a key task with the same deadline, on China's working
days (National Day 2026, as in notifications/tests/test_ladder.py), and is reminded once
overdue; one solved stops climbing. Over a real SMTP server."""

import datetime
from collections import Counter

import pytest
from django.test import override_settings

from notifications.models import Dispatch
from notifications.services import send_reminders
from notifications.sources import open_items, sources
from notifications.tests.world import body, make_task, of_kind, subject
from projects import blockers as services
from projects.blocker_deadlines import BlockerDeadlines
from tracker.choices import OfficialRole
from workdays.calendar import calendar as workday_calendar

pytestmark = pytest.mark.django_db

D = datetime.date
DEADLINE = D(2026, 10, 9)  # a Friday after National Day
HANDLERS, CHIEFS, HEADS = -3, 0, 3


def days(first, last):
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


@pytest.fixture
def coordinator(make_official, other_department):
    """科技局 coordinates: its address, a handler, a section chief and a head."""
    other_department.email = "tech@example.gov"
    other_department.save()
    for name, role in [
        ("x", OfficialRole.HANDLER),
        ("y", OfficialRole.SECTION_CHIEF),
        ("z", OfficialRole.HEAD),
    ]:
        user = make_official(f"official-{name}", other_department)
        user.email = f"{name}@example.gov"
        user.save()
        user.official.role = role
        user.official.save()
    boss = make_official("boss", is_supervisor=True)
    boss.email = "boss@example.gov"
    boss.save()
    return other_department


@pytest.fixture
def problem(raised, supervisor_user, coordinator):
    return services.assign_blocker(
        raised,
        by=supervisor_user,
        coordinating_department=coordinator,
        deadline=DEADLINE,
        today=D(2026, 9, 14),
    )


def rungs_told(messages, prefix):
    """Counter of (day, recipient, rung) of the rung emails about items keyed ``prefix``."""
    told = Counter()
    for day, arrived in messages.items():
        for message in of_kind(arrived, Dispatch.Kind.RUNG):
            key = Dispatch.objects.get(pk=int(message["X-Tracker-Dispatch"])).subject_key
            if key.startswith(prefix):
                told[(day, str(message["To"]), int(key.rsplit(":", 1)[1]))] += 1
    return told


def test_a_problem_climbs_the_ladder_like_a_key_task_on_working_days(
    smtp_server, problem, coordinator, work_point
):
    make_task(work_point, coordinator, "KT-OCT9", DEADLINE)
    arrived = {}
    for day in days(D(2026, 9, 14), D(2026, 10, 20)):
        before = len(smtp_server.messages)
        send_reminders(day)
        send_reminders(day)  # a retry: nothing twice
        arrived[day] = smtp_server.messages[before:]

    department = ["tech@example.gov", "x@example.gov"]
    expected = Counter(
        {
            **{(D(2026, 9, 29), address, HANDLERS): 1 for address in department},
            (DEADLINE, "y@example.gov", CHIEFS): 1,
            (D(2026, 10, 13), "z@example.gov", HEADS): 1,  # 10 (make-up), 12, 13 October
        }
    )
    assert rungs_told(arrived, f"blocker:{problem.pk}:") == expected
    assert rungs_told(arrived, "task:") == expected  # the same as the key task's
    calendar = workday_calendar()
    assert all(arrived[day] == [] for day in arrived if not calendar.is_workday(day))
    # The rung email names the problem, the project it blocks and its kind.
    [chiefs] = [
        m
        for m in of_kind(arrived[DEADLINE], Dispatch.Kind.RUNG)
        if "用地尚未交付" in body(m) and m["To"] == "y@example.gov"
    ]
    assert "数字化工厂项目" in body(chiefs) and "DZ-2023-001" in subject(chiefs)
    # The top rung: the leadership's summary names it, 7 working days after the deadline.
    [summary] = of_kind(arrived[D(2026, 10, 19)], Dispatch.Kind.ESCALATION)
    assert "用地尚未交付" in body(summary) and "KT-OCT9" in body(summary)
    assert not of_kind(arrived[D(2026, 10, 16)], Dispatch.Kind.ESCALATION)
    # Overdue: in the coordinating department's daily reminder.
    [reminder] = [
        m
        for m in of_kind(arrived[D(2026, 10, 12)], Dispatch.Kind.REMINDER)
        if m["To"] == "tech@example.gov"
    ]
    assert "用地尚未交付" in body(reminder)


def test_only_problems_being_chased_are_owed_and_a_solved_one_is_completed(
    raised, problem, supervisor_user
):
    # ``raised`` was assigned by ``problem``; a second, never assigned, is owed by nobody.
    other = services.raise_blocker(
        by=raised.raised_by,
        project=raised.project,
        title="电力增容未批复",
        description="需协调供电公司。",
        kind="energy",
    )
    keys = {item.key for item in open_items(DEADLINE)}
    assert f"blocker:{problem.pk}" in keys and f"blocker:{other.pk}" not in keys
    [item] = [item for item in open_items(DEADLINE) if item.key == f"blocker:{problem.pk}"]
    assert item.department_id == problem.coordinating_department_id
    assert item.due_on == DEADLINE and item.code == "DZ-2023-001"
    assert "用地尚未交付" in item.title and "数字化工厂项目" in item.title
    assert item.admin_path.endswith(f"/projects/blocker/{problem.pk}/change/")
    assert not any(i.key == item.key for i in open_items(DEADLINE - datetime.timedelta(days=1)))

    services.solve_blocker(problem, by=supervisor_user, resolution="已交付", today=D(2026, 10, 8))
    assert f"blocker:{problem.pk}" not in {i.key for i in open_items(DEADLINE)}
    source = BlockerDeadlines()
    [done] = source.completed_items(D(2026, 10, 1), D(2026, 10, 8))
    assert done.completed_on == D(2026, 10, 8) and done.key == item.key
    assert list(source.completed_items(D(2026, 10, 9), D(2026, 10, 31))) == []


def test_the_overdue_list_and_the_configured_sources(coordinator):
    source = BlockerDeadlines()
    assert source.overdue_list_path(coordinator.pk) == (
        f"/admin/projects/blocker/?coordinating_department__id__exact={coordinator.pk}&overdue=yes"
    )
    assert any(isinstance(found, BlockerDeadlines) for found in sources())


@override_settings(ROOT_URLCONF="notifications.tests.urls_phone")
def test_rung_and_reminder_links_open_the_phone_page(smtp_server, problem, coordinator):
    send_reminders(DEADLINE + datetime.timedelta(days=4))  # Tuesday 13 October: heads
    [rung] = of_kind(smtp_server.messages, Dispatch.Kind.RUNG)
    assert f"http://127.0.0.1:8000/m/open/blocker:{problem.pk}/" in body(rung)
    reminders = of_kind(smtp_server.messages, Dispatch.Kind.REMINDER)
    assert reminders and all(f"/m/open/blocker:{problem.pk}/" in body(m) for m in reminders)
