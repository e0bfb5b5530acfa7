"""The weekly digests list the open problems by age, the oldest first: each department
those it raised, coordinates or supports; the supervisors all of them. Over a real SMTP
server, at a cost in queries that does not grow with the number of problems."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Dispatch
from notifications.services import send_digests
from notifications.tests.world import body, of_kind
from notifications.weekly import plan_weekly
from projects import blockers as services
from projects.choices import BlockerKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet")]

MONDAY = datetime.date(2023, 7, 3)


@pytest.fixture
def quiet(settings):
    """No report cycles: the digests hold only what the tests are about."""
    settings.TRACKER_TASK_REPORT_CYCLE = settings.TRACKER_PROJECT_REPORT_CYCLE = "none"


@pytest.fixture
def land(dezhou, department, other_department, make_official):
    """Addresses for 商务局 (raises), 科技局 (coordinates) and 自然资源局 (supports); a
    supervisor."""
    from tracker.models import Department

    department.email = "commerce@example.gov"
    department.save()
    other_department.email = "tech@example.gov"
    other_department.save()
    boss = make_official("boss", is_supervisor=True)
    boss.email = "boss@example.gov"
    boss.save()
    return Department.objects.create(
        name="德州市自然资源和规划局",
        short_name="市自然资源局",
        division=dezhou,
        email="land@example.gov",
    )


def problem(title, raised_on, *, project=None, task=None, kind=BlockerKind.LAND):
    blocker = services.raise_blocker(
        by=None, title=title, description="说明", kind=kind, project=project, task=task
    )
    moment = timezone.make_aware(datetime.datetime.combine(raised_on, datetime.time(10)))
    type(blocker).objects.filter(pk=blocker.pk).update(raised_at=moment)
    return blocker


def assign(blocker, coordinator, supporting=(), deadline=MONDAY + datetime.timedelta(days=20)):
    return services.assign_blocker(
        blocker,
        by=None,
        coordinating_department=coordinator,
        deadline=deadline,
        supporting_departments=supporting,
        today=MONDAY,
    )


@pytest.fixture
def problems(land, project, other_task, other_department):
    """P1 (oldest, coordinated by 科技局, supported by 自然资源局), P5 (on 科技局's key
    task), P2 (newest, not yet assigned), and a solved and a withdrawn one."""
    p1 = assign(
        problem("用地尚未交付", datetime.date(2023, 5, 1), project=project),
        other_department,
        [land],
    )
    p5 = problem("资金缺口", datetime.date(2023, 6, 1), task=other_task, kind=BlockerKind.FINANCING)
    p2 = problem(
        "环评批复延迟", datetime.date(2023, 6, 20), project=project, kind=BlockerKind.APPROVAL
    )
    solved = problem("已解决的问题", datetime.date(2023, 4, 1), project=project)
    services.solve_blocker(solved, by=None, resolution="已解决", today=MONDAY)
    withdrawn = problem("已撤销的问题", datetime.date(2023, 4, 2), project=project)
    services.withdraw_blocker(withdrawn, by=None, note="重复提出")
    return {"p1": p1, "p2": p2, "p5": p5}


def digest_to(messages, address):
    [message] = [m for m in of_kind(messages, Dispatch.Kind.DIGEST) if m["To"] == address]
    return body(message), message.get_body(("html",)).get_content()


def titles_in_order(text, titles):
    found = [title for title in titles if title in text]
    return sorted(found, key=text.index)


ALL = ["用地尚未交付", "资金缺口", "环评批复延迟", "已解决的问题", "已撤销的问题"]


@override_settings(ROOT_URLCONF="notifications.tests.urls_phone")
def test_each_department_gets_the_problems_it_is_involved_in_and_the_city_all(
    smtp_server, problems
):
    send_digests(MONDAY)
    messages = list(smtp_server.messages)
    assert len(of_kind(messages, Dispatch.Kind.DIGEST)) == 4
    commerce, _html = digest_to(messages, "commerce@example.gov")
    assert titles_in_order(commerce, ALL) == ["用地尚未交付", "环评批复延迟"]  # raised
    tech, _html = digest_to(messages, "tech@example.gov")
    assert titles_in_order(tech, ALL) == ["用地尚未交付", "资金缺口"]  # coordinates, raised
    land, _html = digest_to(messages, "land@example.gov")  # supports: a digest for that alone
    assert titles_in_order(land, ALL) == ["用地尚未交付"]
    city, city_html = digest_to(messages, "boss@example.gov")
    assert titles_in_order(city, ALL) == ["用地尚未交付", "资金缺口", "环评批复延迟"]
    # Each row: what it blocks, its coordinator, its deadline, the days open, the link.
    p1 = problems["p1"]
    [row] = [line for line in city.splitlines() if line.startswith("- 用地尚未交付")]
    assert "DZ-2023-001 数字化工厂项目" in row and "市科学技术局" in row
    assert (MONDAY + datetime.timedelta(days=20)).isoformat() in row
    assert " 63 " in row  # open since 1 May
    link = f"http://127.0.0.1:8000/m/open/blocker:{p1.pk}/"
    assert city.splitlines()[city.splitlines().index(row) + 1].strip() == link
    assert f'href="{link}"' in city_html
    [row] = [line for line in city.splitlines() if line.startswith("- 资金缺口")]
    assert "KT-2023-002 别的部门的任务" in row
    # Sent once for the week.
    send_digests(MONDAY + datetime.timedelta(days=1))
    assert smtp_server.messages == messages


def test_names_are_escaped_in_the_digest(smtp_server, land, project):
    problem("<script>x()</script>", datetime.date(2023, 6, 1), project=project)
    send_digests(MONDAY)
    text, html = digest_to(smtp_server.messages, "commerce@example.gov")
    assert "<script>x()</script>" in text
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


def planning_queries(today):
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        queued = plan_weekly(today)
        transaction.set_rollback(True)
    return len(captured), len(queued)


def test_the_cost_does_not_grow_with_the_number_of_problems(
    land, project, other_task, other_department, settings
):
    settings.TRACKER_EMAIL_ROWS = 5

    def add(count):
        for number in range(count):
            blocker = problem(f"问题{number}", datetime.date(2023, 6, 1), project=project)
            assign(blocker, other_department, [land])
            problem(f"任务问题{number}", datetime.date(2023, 6, 2), task=other_task)

    add(3)
    few, queued = planning_queries(MONDAY)
    assert queued == 4  # commerce@, tech@, land@, boss@
    add(30)
    many, queued = planning_queries(MONDAY)
    assert queued == 4
    assert many == few
