"""The admin's page of reports and receipts owed (未按期填报): read by supervisors and
officials alike, for a date and a department, linking to each item and each list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Dispatch
from notifications.tests.world import make_task
from tracker.models import KeyTask

pytestmark = pytest.mark.django_db

URL = "admin:notifications_dispatch_missing_reports"
DAY = datetime.date(2026, 10, 12)


@pytest.fixture
def owed(work_point, department, other_department):
    own = make_task(work_point, department, "KT-R", datetime.date(2026, 12, 31))
    waiting = make_task(work_point, department, "KT-A", datetime.date(2026, 12, 31))
    assigned_at = timezone.make_aware(datetime.datetime(2026, 9, 30, 10))
    KeyTask.objects.filter(pk=waiting.pk).update(assigned_at=assigned_at)
    other = make_task(work_point, other_department, "KT-O", datetime.date(2026, 12, 31))
    return {"own": own, "waiting": waiting, "other": other}


@pytest.mark.parametrize("who", ["supervisor_user", "official_user"])
def test_supervisors_and_officials_read_each_department_s_debts(client, request, owed, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse(URL), {"date": DAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    for task in owed.values():
        assert f'href="/admin/tracker/keytask/{task.pk}/change/"' in html
    assert html.index("德州市商务局") < html.index("德州市科学技术局")  # by name
    assert "2026-10-09 10:00" in html  # the receipt, due two working days after 30 Sep
    assert "reporting=missing" in html
    assert not Dispatch.objects.exists()


def test_one_department_and_a_bad_date(client, official_user, owed, other_department):
    client.force_login(official_user)
    page = client.get(
        reverse(URL), {"date": DAY.isoformat(), "department": other_department.pk}
    ).content.decode()
    assert "KT-O" in page and "KT-R" not in page and "KT-A" not in page
    wrong = client.get(reverse(URL), {"date": "2026-13-01"})
    assert wrong.status_code == 200 and 'class="errorlist' in wrong.content.decode()
    assert "KT-O" not in wrong.content.decode()


def test_the_page_is_for_signed_in_staff_and_linked_from_the_dispatch_log(client, supervisor_user):
    anonymous = client.get(reverse(URL))
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(supervisor_user)
    log = client.get(reverse("admin:notifications_dispatch_changelist")).content.decode()
    assert reverse(URL) in log
    assert client.get(reverse(URL)).status_code == 200  # today, every department
