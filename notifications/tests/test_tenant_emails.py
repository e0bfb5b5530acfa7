"""Each city is told of its own work only: reminders, the ladder's emails, the leadership's
summary, the digests (each office its own city's), the robots' markdown and the notices
come from the city's rows and go to the city's people, never another city's."""

import datetime

import pytest
from django.core import mail

from core.tenancy import acting_for
from notifications import endpoints, sources
from notifications.daily import plan_daily
from notifications.dispatch import deliver_due
from notifications.models import Channel, Dispatch
from notifications.notices import tell_department
from notifications.tests.tenant_world import (
    DEZHOU,
    LANGFANG,
    MARKERS,
    TODAY,
    text_of,
    two_cities,
)
from notifications.weekly import plan_weekly, preview_digest, week_start

pytestmark = pytest.mark.django_db

OTHER = {DEZHOU: LANGFANG, LANGFANG: DEZHOU}


@pytest.fixture
def cities():
    return two_cities()


def planned():
    return [*plan_daily(TODAY), *plan_weekly(TODAY)]


def assert_kept_apart(rows, cities):
    """Every row is its city's, goes to its city's people, says nothing of the other."""
    assert rows
    for row in rows:
        city, other = cities[row.tenant_id], cities[OTHER[row.tenant_id]]
        assert other.marker not in text_of(row), (row.kind, row.recipient, row.subject)
        if row.channel == Channel.EMAIL:
            assert row.recipient in city.addresses, (row.kind, row.recipient)
        else:
            assert row.recipient in city.robot_recipients, (row.kind, row.recipient)


def test_every_source_reads_the_city_acted_for(cities):
    far = datetime.date(2030, 1, 1)
    moment = datetime.datetime(2024, 3, 11, 18, tzinfo=datetime.UTC)
    from workdays.calendar import calendar

    for code, city in cities.items():
        own = {department.pk for department in city.departments}
        with acting_for(code):
            items = list(sources.open_items(far))
            done = list(sources.completed_items(datetime.date(2000, 1, 1), far))
            owed = list(sources.missing_reports(moment, calendar()))
            problems = list(sources.open_problems())
        kinds = {item.key.split(":")[0] for item in items}
        assert {"task", "project-start", "blocker", "cooperation"} <= kinds
        assert {item.department_id for item in [*items, *done, *owed]} <= own
        assert problems and all(problem.department_ids <= own for problem in problems)


def test_every_email_and_robot_message_stays_in_its_city(cities):
    rows = planned()
    assert_kept_apart(rows, cities)
    kinds = {(row.tenant_id, row.kind) for row in rows}
    for code in (DEZHOU, LANGFANG):
        # Each city's own reminders, rungs, leadership summary and digests were made.
        for kind in ("reminder", "rung", "escalation", "digest"):
            assert (code, kind) in kinds, (code, kind)
        own = " ".join(text_of(row) for row in rows if row.tenant_id == code)
        assert MARKERS[code] in own


def test_each_office_gets_its_own_citys_digest_and_summary(cities):
    rows = planned()
    for code, city in cities.items():
        office = city.supervisors[0].email
        for kind in (Dispatch.Kind.DIGEST, Dispatch.Kind.ESCALATION):
            [row] = [
                r for r in rows if (r.kind, r.recipient, r.subject_key) == (kind, office, "city")
            ]
            assert row.tenant_id == code
            # It lists the city's own tasks, and none of the other city's.
            assert all(task.code in row.body_text for task in city.tasks if task.code.endswith("A"))
            assert MARKERS[OTHER[code]] not in text_of(row)
        [robot_row] = [
            r for r in rows if r.robot_id == city.office_robot.pk and r.kind == Dispatch.Kind.DIGEST
        ]
        assert robot_row.subject_key == "city" and MARKERS[OTHER[code]] not in robot_row.body_text
        # The city leader's summary lists the departments they oversee, of their city.
        [summary] = [
            r
            for r in rows
            if r.kind == Dispatch.Kind.ESCALATION and r.recipient == city.leader.email
        ]
        assert summary.tenant_id == code and MARKERS[code] in summary.body_text


def test_the_emails_delivered_to_one_city_name_nothing_of_the_other(cities):
    planned()
    deliver_due(channel="email")
    assert mail.outbox
    for message in mail.outbox:
        [address] = message.to
        code = next(code for code, city in cities.items() if address in city.addresses)
        html = message.alternatives[0][0] if message.alternatives else ""
        assert MARKERS[OTHER[code]] not in message.subject + message.body + html


def test_a_city_already_planned_this_week_does_not_stop_the_other(cities):
    Dispatch.objects.create(
        tenant_id=DEZHOU,
        kind=Dispatch.Kind.DIGEST,
        subject_key="city",
        recipient=cities[DEZHOU].supervisors[0].email,
        period=week_start(TODAY),
        subject="planned earlier",
        body_text="",
    )
    rows = plan_weekly(TODAY)
    assert rows and {row.tenant_id for row in rows} == {LANGFANG}
    # Run again: each city has its week planned, nothing more.
    assert plan_weekly(TODAY) == []


def test_the_leadership_summary_counts_what_is_new_per_city(cities):
    # Dezhou's summary of yesterday says nothing of what Langfang's leadership has seen.
    Dispatch.objects.create(
        tenant_id=DEZHOU,
        kind=Dispatch.Kind.ESCALATION,
        subject_key="city",
        recipient="old@dz.example.gov",
        period=TODAY - datetime.timedelta(days=3),
        subject="",
        body_text="",
    )
    rows = plan_daily(TODAY)
    for code in (DEZHOU, LANGFANG):
        [summary] = [
            r
            for r in rows
            if (r.tenant_id, r.kind, r.recipient)
            == (code, Dispatch.Kind.ESCALATION, cities[code].supervisors[0].email)
        ]
        assert summary.tenant_id == code


def test_a_notice_is_the_departments_citys_whoever_takes_the_step(cities):
    langfang = cities[LANGFANG]
    department = langfang.departments[0]
    rows = tell_department(
        department.pk,
        key="blocker:999:assign:1",
        template="blocker_assigned",
        context={
            "problem": {
                "title": f"用地问题{langfang.marker}",
                "blocks": "LF-P1",
                "kind": "land",
                "description": "",
                "raised_by": department.name,
                "deadline": TODAY,
                "supporting": [],
                "note": "",
                "reassigned": False,
                "url": "https://tracker.example/m/open/blocker:999/",
            }
        },
        day=TODAY,
    )
    assert rows and {row.tenant_id for row in rows} == {LANGFANG}
    assert_kept_apart(rows, cities)
    # The same key told in the other city is another notice (keys are per city).
    assert (
        tell_department(department.pk, key="blocker:999:assign:1", template="x", context={}) == []
    )


def test_a_paused_endpoint_is_told_to_its_own_citys_office(cities):
    robot = cities[LANGFANG].office_robot
    rows = endpoints.tell_supervisors(robot, "HTTP 404", now=datetime.datetime.now(datetime.UTC))
    assert [row.recipient for row in rows] == [cities[LANGFANG].supervisors[0].email]
    assert rows[0].tenant_id == LANGFANG


def test_the_digest_preview_reads_the_departments_own_city(cities):
    department = cities[LANGFANG].departments[0]
    subject, text, html = preview_digest(department, TODAY)
    assert MARKERS[LANGFANG] in text and MARKERS[DEZHOU] not in subject + text + html


def test_a_province_gets_no_emails_in_this_version(cities):
    from regions.choices import TenantKind
    from regions.models import Division, Tenant
    from tracker.models import Department, KeyTask, WorkPoint

    Tenant.objects.create(code="130000", name="河北省", kind=TenantKind.PROVINCE)
    Tenant.objects.filter(code=LANGFANG).update(parent_id="130000")
    department = Department.objects.create(
        tenant_id="130000",
        name="河北省商务厅",
        short_name="省商务厅",
        division=Division.objects.get(code="130000"),
        email="swt@hebei.example.gov",
    )
    point = WorkPoint.objects.create(
        tenant_id="130000", year=2024, aspect="industry", number=1, title="省要点"
    )
    KeyTask.objects.create(
        tenant_id="130000",
        code="HB-1",
        year=2024,
        title="省重点任务",
        work_point=point,
        lead_department=department,
        deadline=datetime.date(2024, 2, 1),
    )
    rows = planned()
    assert rows and "130000" not in {row.tenant_id for row in rows}
    assert "swt@hebei.example.gov" not in {row.recipient for row in rows}
