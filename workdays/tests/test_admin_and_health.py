"""The exceptions admin (supervisors keep them, officials read them) and the health check."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from core.health import DEGRADED, OK, Degraded, check_each
from workdays.admin import calendar_status
from workdays.calendar import WorkdayCalendar, official_years
from workdays.health import check_calendar
from workdays.models import CalendarException

pytestmark = pytest.mark.django_db

D = datetime.date
LAST_OFFICIAL = official_years()[-1]
CHANGELIST = reverse("admin:workdays_calendarexception_changelist")
ADD = reverse("admin:workdays_calendarexception_add")


@pytest.fixture
def exceptions():
    return [
        CalendarException.objects.create(
            date=D(2026, 10, 9), is_workday=False, note="市政府临时调整"
        ),
        CalendarException.objects.create(date=D(2025, 5, 10), is_workday=True, note="集中攻坚日"),
    ]


def test_the_roles_get_their_permissions_from_the_migration():
    def codenames(group):
        return set(
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="workdays")
            .values_list("codename", flat=True)
        )

    assert codenames("督办人员") == {
        "add_calendarexception",
        "change_calendarexception",
        "delete_calendarexception",
        "view_calendarexception",
    }
    assert codenames("部门工作人员") == {"view_calendarexception"}


def test_a_supervisor_sees_the_list_with_weekdays_and_the_calendar_status(
    client, supervisor_user, exceptions
):
    client.force_login(supervisor_user)
    response = client.get(CHANGELIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert "市政府临时调整" in page and "集中攻坚日" in page
    assert "星期五" in page and "星期六" in page  # Oct 9 2026, May 10 2025
    assert "calendar-status" in page and str(timezone.localdate().year + 1) in page
    assert ADD in page


def test_the_year_filter_keeps_one_year(client, supervisor_user, exceptions):
    client.force_login(supervisor_user)
    page = client.get(CHANGELIST, {"year": "2025"}).content.decode()
    assert "集中攻坚日" in page and "市政府临时调整" not in page


def test_a_supervisor_adds_an_exception_that_the_calendar_then_counts(client, supervisor_user):
    client.force_login(supervisor_user)
    assert WorkdayCalendar().is_workday(D(2026, 12, 31))
    response = client.post(ADD, {"date": "2026-12-31", "note": "市政府临时调整"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not WorkdayCalendar().is_workday(D(2026, 12, 31))


def test_an_official_reads_the_list_but_may_not_add_or_change(client, official_user, exceptions):
    client.force_login(official_user)
    response = client.get(CHANGELIST)
    assert response.status_code == 200 and "市政府临时调整" in response.content.decode()
    assert ADD not in response.content.decode()
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"date": "2026-12-31", "note": "x"}).status_code == 403
    change = reverse("admin:workdays_calendarexception_change", args=[exceptions[0].pk])
    assert (
        client.post(change, {"date": "2026-10-09", "is_workday": "on", "note": "x"}).status_code
        == 403
    )
    assert CalendarException.objects.count() == 2
    assert not CalendarException.objects.get(date=D(2026, 10, 9)).is_workday


def test_the_status_says_which_years_the_official_calendar_covers():
    with translation.override("en"):
        inside = calendar_status(D(LAST_OFFICIAL, 6, 1))
        december = calendar_status(D(LAST_OFFICIAL, 12, 1))
    assert [line["ok"] for line in inside] == [True, False]
    assert str(LAST_OFFICIAL) in inside[0]["text"] and str(LAST_OFFICIAL + 1) in inside[1]["text"]
    # From December 1 the missing year is also a warning supervisors must act on.
    assert [line["ok"] for line in december] == [True, False, False]
    assert "Supervisors may add local exceptions" in december[2]["text"]
    assert all(line["ok"] for line in calendar_status(D(LAST_OFFICIAL - 1, 12, 1)))


def test_the_health_check_degrades_from_december_without_next_years_calendar():
    assert check_calendar(D(LAST_OFFICIAL, 11, 30)).startswith("ok")
    with pytest.raises(Degraded, match=str(LAST_OFFICIAL + 1)):
        check_calendar(D(LAST_OFFICIAL, 12, 1))
    with pytest.raises(Degraded, match=str(LAST_OFFICIAL + 1)):
        check_calendar(D(LAST_OFFICIAL + 1, 3, 1))


def test_the_health_check_reports_through_the_floor(settings):
    settings.TRACKER_HEALTH_CHECKS = {"calendar": "workdays.health.check_calendar"}
    state, message = check_each()["calendar"]
    today = timezone.localdate()
    try:
        check_calendar(today)
        expected = OK
    except Degraded:
        expected = DEGRADED
    assert state == expected and message
