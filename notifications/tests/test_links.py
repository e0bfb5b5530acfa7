"""Email links for an item open its phone page, ``/m/open/<key>/`` (``mobile:open``, which
sends a desktop on to the admin page); without that URL they go to the admin page. Each
shape is asserted under URLs of its own (urls_phone.py, urls_no_phone.py), whatever
mobile/urls.py holds at the time."""

import datetime

import pytest
from django.test import override_settings

from notifications.emails import item_url
from notifications.models import Dispatch
from notifications.services import send_digests, send_reminders
from notifications.sources import DeadlineItem
from notifications.tests.world import body, make_task, of_kind

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY = D(2026, 10, 12)  # the heads' rung of a task due on 9 October


def item(key):
    return DeadlineItem(
        key=key,
        kind="重点任务",
        code="KT-1",
        title="任务",
        department_id=1,
        due_on=MONDAY,
        admin_path="/admin/tracker/keytask/12/change/",
    )


@override_settings(ROOT_URLCONF="notifications.tests.urls_phone")
@pytest.mark.parametrize("key", ["task:12", "project-start:34", "blocker:5", "project:7"])
def test_an_item_s_link_is_its_phone_page(key):
    assert item_url(item(key)) == f"http://127.0.0.1:8000/m/open/{key}/"


@override_settings(ROOT_URLCONF="notifications.tests.urls_no_phone")
def test_without_the_phone_page_it_is_the_admin_page():
    assert item_url(item("task:12")) == "http://127.0.0.1:8000/admin/tracker/keytask/12/change/"


@pytest.fixture
def overdue(people, work_point, department):
    """A task on the heads' rung, overdue, owing its monthly report: in the reminder (both
    as overdue and as owing), a rung email and the digest."""
    people["official"].official.role = "head"
    people["official"].official.save()
    return make_task(work_point, department, "KT-LINK", D(2026, 10, 9))


def emails_about(messages):
    kinds = {}
    for kind in (Dispatch.Kind.REMINDER, Dispatch.Kind.RUNG, Dispatch.Kind.DIGEST):
        kinds[kind] = [body(message) for message in of_kind(messages, kind)]
    return kinds


@override_settings(ROOT_URLCONF="notifications.tests.urls_phone")
def test_reminders_rungs_and_digests_link_the_phone_page(smtp_server, overdue):
    send_reminders(MONDAY)
    send_digests(MONDAY)
    found = emails_about(smtp_server.messages)
    link = f"http://127.0.0.1:8000/m/open/task:{overdue.pk}/"
    for kind, texts in found.items():
        assert texts, f"no {kind} email"
        for text in texts:
            assert link in text, kind
            assert f"/admin/tracker/keytask/{overdue.pk}/change/" not in text, kind
    # In the reminder the task is listed twice (overdue, owing its report): both linked.
    assert found[Dispatch.Kind.REMINDER][0].count(link) == 2


@override_settings(ROOT_URLCONF="notifications.tests.urls_no_phone")
def test_without_it_they_link_the_admin_page(smtp_server, overdue):
    send_reminders(MONDAY)
    for kind, texts in emails_about(smtp_server.messages).items():
        for text in texts:
            assert f"/admin/tracker/keytask/{overdue.pk}/change/" in text, kind
            assert "/m/open/" not in text, kind
