"""The escalation ladder walked day by day through September and October 2026 on China's
real calendar: Mid-Autumn on Friday 25 September, National Day from 1 to 7 October, the
make-up working days Sunday 20 September and Saturday 10 October. Each rung reaches the
right people once, on the right working day; nothing goes out on a day off; the top rung
is the leadership's daily summary. Over a real SMTP server.
"""

import datetime
import re
import threading
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from notifications.models import Dispatch
from notifications.services import send_reminders
from notifications.tests.world import body, make_task, of_kind, subject
from tracker.choices import OfficialRole
from tracker.models import CityLeader, EscalationRung, KeyTask
from workdays.calendar import calendar as workday_calendar

D = datetime.date
FIRST, LAST = D(2026, 9, 14), D(2026, 10, 31)
HANDLERS, CHIEFS, HEADS, LEADERSHIP = -3, 0, 3, 7


def days(first, last):
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


@pytest.fixture
def org(make_official, django_user_model, department, other_department):
    """商务局: its address, two handlers, a section chief, a head, overseen by a vice-mayor
    (an inactive leader too); 科技局: its address and a handler only (no chief, no head),
    overseen by a leader known by their login's address; a supervisor."""
    department.email = "commerce@example.gov"
    department.save()
    other_department.email = "tech@example.gov"
    other_department.save()
    people = [
        ("a", department, OfficialRole.HANDLER),
        ("b", department, OfficialRole.HANDLER),
        ("c", department, OfficialRole.SECTION_CHIEF),
        ("d", department, OfficialRole.HEAD),
        ("x", other_department, OfficialRole.HANDLER),
    ]
    for name, where, role in people:
        user = make_official(f"official-{name}", where)
        user.email = f"{name}@example.gov"
        user.save()
        user.official.role = role
        user.official.save()
    boss = make_official("boss", is_supervisor=True)
    boss.email = "boss@example.gov"
    boss.save()
    vice = CityLeader.objects.create(name="王", title="副市长", email="vice@example.gov")
    vice.departments.add(department)
    retired = CityLeader.objects.create(
        name="李", title="副市长", email="off@example.gov", is_active=False
    )
    retired.departments.add(department)
    login = django_user_model.objects.create(username="leader-2", email="lead2@example.gov")
    second = CityLeader.objects.create(name="赵", title="副市长", user=login)
    second.departments.add(other_department)
    return {"department": department, "other": other_department}


def rung_of(dispatch):
    return int(dispatch.subject_key.rsplit(":", 1)[1])


class Walk:
    """Runs the daily reminders for each day, twice (the task and the command, as a retry
    and a supervisor by hand would), and sorts what arrives by day."""

    def __init__(self, mail):
        self.mail = mail
        self.arrived = {}  # day -> messages

    def day(self, day):
        before = len(self.mail.messages)
        send_reminders(day)
        call_command("send_reminders", "--date", day.isoformat(), verbosity=0)
        self.arrived[day] = self.mail.messages[before:]

    def rungs(self, codes):
        """Counter of (day, recipient, code, rung working days) of the rung emails."""
        told = Counter()
        for day, messages in self.arrived.items():
            for message in of_kind(messages, Dispatch.Kind.RUNG):
                dispatch = Dispatch.objects.get(pk=int(message["X-Tracker-Dispatch"]))
                task = int(dispatch.subject_key.split(":")[1])
                told[(day, str(message["To"]), codes[task], rung_of(dispatch))] += 1
        return told

    def summaries(self, address):
        """{day: {code: new?}} of the leadership summaries to ``address``."""
        seen = defaultdict(dict)
        for day, messages in self.arrived.items():
            mine = [m for m in of_kind(messages, Dispatch.Kind.ESCALATION) if m["To"] == address]
            assert len(mine) <= 1, f"{address} got {len(mine)} summaries on {day}"
            for message in mine:
                for marked, code in re.findall(r"^- (【[^】]+】)?(KT-\w+) ", body(message), re.M):
                    seen[day][code] = bool(marked)
        return dict(seen)


def expected_rungs():
    department = ["a@example.gov", "b@example.gov", "commerce@example.gov"]
    fallback = ["tech@example.gov", "x@example.gov"]  # no chief, no head: address + handlers
    plan = [
        # KT-OTHER, due Wednesday 30 September, the last working day before the holidays.
        (D(2026, 9, 24), fallback, "KT-OTHER", HANDLERS),  # 3 working days before (25-27 off)
        (D(2026, 9, 30), fallback, "KT-OTHER", CHIEFS),
        (D(2026, 10, 10), fallback, "KT-OTHER", HEADS),  # the make-up Saturday is the 3rd
        # KT-OCT9, due Friday 9 October.
        (D(2026, 9, 29), department, "KT-OCT9", HANDLERS),  # 30 Sep, 8 and 9 Oct are left
        (D(2026, 10, 9), ["c@example.gov"], "KT-OCT9", CHIEFS),
        (D(2026, 10, 13), ["d@example.gov"], "KT-OCT9", HEADS),  # 10, 12, 13 October
        # KT-LATE, due 29 September, entered on 12 October 5 working days late: it starts
        # on the heads' rung; the two below are skipped.
        (D(2026, 10, 12), ["d@example.gov"], "KT-LATE", HEADS),
    ]
    return Counter(
        {
            (day, address, code, rung): 1
            for day, addresses, code, rung in plan
            for address in addresses
        }
    )


def test_each_rung_once_to_its_people_on_its_working_day_through_national_day(
    smtp_server, org, work_point
):
    calendar = workday_calendar()
    assert calendar.is_workday(D(2026, 10, 10)) and calendar.is_workday(D(2026, 9, 20))
    assert not any(calendar.is_workday(D(2026, 10, day)) for day in range(1, 8))
    assert not calendar.is_workday(D(2026, 9, 25))
    rungs = {rung.working_days: rung.name for rung in EscalationRung.objects.all()}
    assert sorted(rungs) == [HANDLERS, CHIEFS, HEADS, LEADERSHIP]
    tasks = [
        make_task(work_point, org["department"], "KT-OCT9", D(2026, 10, 9)),
        make_task(work_point, org["other"], "KT-OTHER", D(2026, 9, 30)),
    ]
    walk = Walk(smtp_server)
    for day in days(FIRST, LAST):
        if day == D(2026, 10, 12):
            tasks.append(make_task(work_point, org["department"], "KT-LATE", D(2026, 9, 29)))
        walk.day(day)

    codes = {task.pk: task.code for task in tasks}
    assert walk.rungs(codes) == expected_rungs()
    for day in days(FIRST, LAST):
        if not calendar.is_workday(day):
            assert walk.arrived[day] == [], f"sent on {day}, a day off"
    # Each rung email names its rung and the deadline.
    for message in of_kind(smtp_server.messages, Dispatch.Kind.RUNG):
        dispatch = Dispatch.objects.get(pk=int(message["X-Tracker-Dispatch"]))
        assert rungs[rung_of(dispatch)] in subject(message)
        assert dispatch.period.isoformat() in subject(message)

    # The top rung: the leadership's daily summary, every working day from the first item
    # on it; what reached it since the last summary is marked new.
    summit = [day for day in days(D(2026, 10, 14), LAST) if calendar.is_workday(day)]
    boss = walk.summaries("boss@example.gov")
    assert list(boss) == summit
    assert boss[D(2026, 10, 14)] == {"KT-LATE": True}  # 7 working days after 29 September
    assert boss[D(2026, 10, 15)] == {"KT-LATE": False, "KT-OTHER": True}
    assert boss[D(2026, 10, 16)] == {"KT-LATE": False, "KT-OTHER": False}
    assert boss[D(2026, 10, 19)] == {"KT-LATE": False, "KT-OTHER": False, "KT-OCT9": True}
    assert all(not any(row.values()) for day, row in boss.items() if day > D(2026, 10, 19))
    # City leaders see the departments they oversee; an inactive one nothing.
    vice = walk.summaries("vice@example.gov")
    assert list(vice) == summit
    assert vice[D(2026, 10, 19)] == {"KT-LATE": False, "KT-OCT9": True}
    second = walk.summaries("lead2@example.gov")
    assert list(second) == summit[1:] and second[D(2026, 10, 15)] == {"KT-OTHER": True}
    assert walk.summaries("off@example.gov") == {}
    summary = of_kind(walk.arrived[D(2026, 10, 19)], Dispatch.Kind.ESCALATION)[0]
    assert rungs[LEADERSHIP] in body(summary) and "德州市商务局" in body(summary)
    # Nothing left to send later, twice.
    assert not Dispatch.objects.exclude(status=Dispatch.Status.SENT).exists()


def test_a_deadline_moved_later_is_climbed_again_from_its_new_date(smtp_server, org, work_point):
    task = make_task(work_point, org["department"], "KT-MOVED", D(2026, 10, 9))
    send_reminders(D(2026, 9, 29))
    task.deadline = D(2026, 10, 20)
    task.save()
    for day in days(D(2026, 9, 30), D(2026, 10, 15)):
        send_reminders(day)
    handlers = [
        subject(m)
        for m in of_kind(smtp_server.messages, Dispatch.Kind.RUNG)
        if m["To"] == "a@example.gov"
    ]
    assert len(handlers) == 2
    assert "2026-10-09" in handlers[0] and "2026-10-20" in handlers[1]


def test_a_department_without_anyone_reachable_gets_nothing_and_nothing_breaks(
    smtp_server, work_point, other_department
):
    make_task(work_point, other_department, "KT-NOBODY", D(2026, 10, 9))
    assert send_reminders(D(2026, 10, 13))[0] == []
    assert not Dispatch.objects.exists()


def run_at_once(function, day, times=2):
    barrier = threading.Barrier(times)
    errors = []

    def run():
        try:
            barrier.wait()
            function(day)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_climb_each_rung_once(smtp_server, org, work_point):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    make_task(work_point, org["department"], "KT-OCT9", D(2026, 10, 9))
    make_task(work_point, org["department"], "KT-LATE", D(2026, 9, 29))
    for day in (D(2026, 9, 29), D(2026, 10, 9), D(2026, 10, 14), D(2026, 10, 14)):
        run_at_once(send_reminders, day)
    told = Counter(
        (m["To"], Dispatch.objects.get(pk=int(m["X-Tracker-Dispatch"])).subject_key)
        for m in of_kind(smtp_server.messages, Dispatch.Kind.RUNG)
    )
    assert told and set(told.values()) == {1}
    summaries = Counter(m["To"] for m in of_kind(smtp_server.messages, Dispatch.Kind.ESCALATION))
    assert summaries == {"boss@example.gov": 1, "vice@example.gov": 1}
    assert KeyTask.objects.count() == 2


def test_a_rung_not_delivered_is_worth_sending_for_three_days_then_superseded(
    smtp_server, org, work_point
):
    from notifications.dispatch import out_of_date

    calendar = workday_calendar()
    day = calendar.next_workday(timezone.localdate() + datetime.timedelta(days=30))
    make_task(work_point, org["department"], "KT-DUE", day)
    smtp_server.refuse.add("c@example.gov")
    send_reminders(day)  # the section chief's rung, refused by the mail server
    row = Dispatch.objects.get(kind=Dispatch.Kind.RUNG, recipient="c@example.gov")
    assert row.status == Dispatch.Status.FAILED and row.period == day
    assert row.worth_until == day + datetime.timedelta(days=3)
    assert out_of_date([row], day + datetime.timedelta(days=3)) == set()
    assert out_of_date([row], day + datetime.timedelta(days=4)) == {row.pk}
