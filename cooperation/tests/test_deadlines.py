"""Cooperation items are a deadline source: an open item past its deadline reaches its
department's daily reminder (over a real SMTP server), an achieved one stops being owed and
is counted as completed, and the overdue list is the admin's filtered list."""

import datetime

import pytest

from cooperation import services
from cooperation.choices import CooperationKind, CooperationState
from cooperation.deadlines import CooperationDeadlines
from cooperation.models import CooperationItem
from notifications.models import Dispatch
from notifications.services import send_reminders
from notifications.sources import open_items
from notifications.tests.world import body, of_kind

pytestmark = pytest.mark.django_db
D = datetime.date
DEADLINE = D(2023, 6, 9)  # a Friday
MONDAY = D(2023, 6, 19)


def test_the_settings_name_the_source(settings):
    assert "cooperation.deadlines.CooperationDeadlines" in settings.TRACKER_DEADLINE_SOURCES


@pytest.fixture
def owing(department, make_official):
    department.email = "commerce@example.gov"
    department.save()
    handler = make_official("handler", department)
    handler.email = "handler@example.gov"
    handler.save()
    return department


def make(department, code, deadline, state=CooperationState.PLANNED):
    return services.save_item(
        CooperationItem(
            code=code,
            title=f"共建京津冀创新平台{code}",
            kind=CooperationKind.PLATFORM,
            year=2023,
            department=department,
            deadline=deadline,
            state=state,
        )
    )


def test_an_overdue_item_reaches_its_departments_reminder(smtp_server, owing, other_department):
    overdue = make(owing, "PT-LATE", DEADLINE)
    make(owing, "PT-LATER", D(2023, 12, 31))
    make(owing, "PT-STOPPED", DEADLINE, state=CooperationState.STOPPED)
    make(other_department, "PT-THEIRS", DEADLINE)
    send_reminders(MONDAY)
    send_reminders(MONDAY)  # a retry sends nothing twice
    reminders = [
        m
        for m in of_kind(smtp_server.messages, Dispatch.Kind.REMINDER)
        if "commerce@example.gov" in m["To"]
    ]
    assert len(reminders) == 1
    text = body(reminders[0])
    assert overdue.title in text and "PT-LATE" in text
    assert "PT-LATER" not in text and "PT-STOPPED" not in text and "PT-THEIRS" not in text


def test_open_items_are_owed_until_achieved_then_completed(owing, official_user):
    item = make(owing, "PT-01", DEADLINE)
    [owed] = [i for i in open_items(DEADLINE) if i.key == f"cooperation:{item.pk}"]
    assert (owed.department_id, owed.due_on, owed.code) == (owing.pk, DEADLINE, "PT-01")
    assert owed.kind == str(CooperationKind.PLATFORM.label)
    assert owed.admin_path.endswith(f"/cooperation/cooperationitem/{item.pk}/change/")
    assert not any(i.key == owed.key for i in open_items(DEADLINE - datetime.timedelta(days=1)))
    services.record_cooperation_update(
        item=item,
        reported_on=D(2023, 6, 12),
        state=CooperationState.ACHIEVED,
        author=official_user,
        today=MONDAY,
    )
    assert owed.key not in {i.key for i in open_items(MONDAY)}
    [done] = CooperationDeadlines().completed_items(D(2023, 6, 12), D(2023, 6, 18))
    assert (done.key, done.completed_on) == (owed.key, D(2023, 6, 12))
    assert list(CooperationDeadlines().completed_items(D(2023, 6, 13), D(2023, 6, 30))) == []


def test_the_overdue_list_is_the_departments_filtered_list(client, owing, official_user):
    make(owing, "PT-01", DEADLINE)
    path = CooperationDeadlines().overdue_list_path(owing.pk)
    assert (
        path == f"/admin/cooperation/cooperationitem/?department__id__exact={owing.pk}&overdue=yes"
    )
    client.force_login(official_user)
    page = client.get(path)
    assert [item.code for item in page.context["cl"].result_list] == ["PT-01"]
