"""A problem handed to a department is told to it once, by email, over a real SMTP server;
a step rolled back tells nobody; a re-assignment tells the department named then."""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from notifications.dispatch import deliver_due
from notifications.models import Dispatch
from projects import blocker_notices
from projects import blockers as services
from projects.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

DEADLINE = TODAY + datetime.timedelta(days=10)


@pytest.fixture
def addresses(department, other_department, dezhou):
    """The raising department's address, the coordinator's (科技局), and a third one."""
    from tracker.models import Department

    department.email = "commerce@example.gov"
    department.save()
    other_department.email = "tech@example.gov"
    other_department.save()
    return Department.objects.create(
        name="德州市自然资源和规划局",
        short_name="市自然资源局",
        division=dezhou,
        email="land@example.gov",
    )


def assign(blocker, supervisor, coordinator, **fields):
    return services.assign_blocker(
        blocker,
        by=supervisor,
        coordinating_department=coordinator,
        deadline=DEADLINE,
        today=TODAY,
        **fields,
    )


def plain(message):
    return message.get_body(("plain",)).get_content()


def html(message):
    return message.get_body(("html",)).get_content()


@override_settings(ROOT_URLCONF="notifications.tests.urls_phone")
def test_the_coordinating_department_is_told_once_with_all_it_needs(
    smtp_server, raised, supervisor_user, other_department, addresses
):
    blocker = assign(
        raised,
        supervisor_user,
        other_department,
        supporting_departments=[addresses],
        note="请于周五前召开协调会",
    )
    assert deliver_due() == {Dispatch.Status.SENT: 1}
    [message] = smtp_server.messages
    assert message["To"] == "tech@example.gov"
    subject = " ".join(str(message["Subject"]).split())
    assert "用地尚未交付" in subject and DEADLINE.isoformat() in subject
    text = plain(message)
    for expected in (
        "德州市科学技术局",  # whom it is for
        "用地尚未交付",
        "DZ-2023-001 数字化工厂项目",  # what it blocks
        "德州市商务局",  # who raised it
        DEADLINE.isoformat(),
        "德州市自然资源和规划局",  # supporting
        "请于周五前召开协调会",  # the office's note
        "土地征收补偿未完成",  # the description
        f"http://127.0.0.1:8000/m/open/blocker:{blocker.pk}/",  # the phone page
    ):
        assert expected in text
    assert f'href="http://127.0.0.1:8000/m/open/blocker:{blocker.pk}/"' in html(message)
    # Told once: the same step told again, and the next deliveries, send nothing more.
    step = blocker.steps.get(action="assign")
    blocker_notices.assigned(blocker, step)
    assert deliver_due() == {}
    assert len(smtp_server.messages) == 1
    assert Dispatch.objects.get().kind == Dispatch.Kind.NOTICE


@override_settings(ROOT_URLCONF="notifications.tests.urls_no_phone")
def test_without_the_phone_page_the_link_is_the_admin_page(
    smtp_server, raised, supervisor_user, other_department, addresses
):
    blocker = assign(raised, supervisor_user, other_department)
    deliver_due()
    [message] = smtp_server.messages
    assert f"http://127.0.0.1:8000/admin/projects/blocker/{blocker.pk}/change/" in plain(message)


def test_a_step_rolled_back_tells_nobody(
    smtp_server, raised, supervisor_user, other_department, addresses
):
    with pytest.raises(RuntimeError), transaction.atomic():
        assign(raised, supervisor_user, other_department)
        assert Dispatch.objects.count() == 1  # queued in the step's transaction
        raise RuntimeError("the request failed after the step")
    assert not Dispatch.objects.exists()
    assert deliver_due() == {}
    assert smtp_server.messages == []


def test_a_refused_assignment_tells_nobody(smtp_server, raised, supervisor_user, addresses):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.assign_blocker(
            raised,
            by=supervisor_user,
            coordinating_department=addresses,
            deadline=TODAY - datetime.timedelta(days=1),
            today=TODAY,
        )
    assert not Dispatch.objects.exists()


def test_a_reassignment_tells_the_department_named_then(
    smtp_server, raised, supervisor_user, other_department, addresses
):
    blocker = assign(raised, supervisor_user, other_department)
    blocker = assign(blocker, supervisor_user, addresses, note="改由自然资源局牵头")
    deliver_due()
    told = sorted(message["To"] for message in smtp_server.messages)
    assert told == ["land@example.gov", "tech@example.gov"]
    [second] = [m for m in smtp_server.messages if m["To"] == "land@example.gov"]
    assert "改由自然资源局牵头" in plain(second)
    assert Dispatch.objects.filter(kind=Dispatch.Kind.NOTICE).count() == 2


def test_names_are_escaped_in_the_html(
    smtp_server, project, official_user, supervisor_user, other_department, addresses
):
    from projects.choices import BlockerKind

    blocker = services.raise_blocker(
        by=official_user,
        project=project,
        title="<script>alert(1)</script>",
        description="<b>不是粗体</b>",
        kind=BlockerKind.OTHER,
    )
    assign(blocker, supervisor_user, other_department, note='=HYPERLINK("http://x")<i>')
    deliver_due()
    [message] = smtp_server.messages
    page = html(message)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>不是粗体</b>" not in page and "&lt;b&gt;" in page
    assert "<i>" not in page
    # The plain text keeps them as written.
    assert "<script>alert(1)</script>" in plain(message)


def test_a_department_without_an_address_is_told_nothing_and_the_step_stands(
    raised, supervisor_user, other_department
):
    blocker = assign(raised, supervisor_user, other_department)
    assert blocker.coordinating_department == other_department
    assert not Dispatch.objects.exists()
