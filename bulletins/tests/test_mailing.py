"""The monthly bulletin's email: from the month's first working day (a missed morning caught
up on the next working days), once per recipient however often it runs, delivered by a real
SMTP server."""

import datetime

import pytest

from bulletins.mailing import is_first_workday_of_month, plan_monthly
from bulletins.models import Bulletin
from notifications import services
from notifications.models import Dispatch
from tracker.models import CityLeader

pytestmark = pytest.mark.django_db

# 2023: 1-6 October were the National Day holiday and Saturday 7 October a working day.
FIRST_WORKDAY = datetime.date(2023, 10, 7)


@pytest.fixture
def recipients(make_official, department, project):
    supervisor = make_official("boss", is_supervisor=True)
    supervisor.email = "boss@dezhou.example"
    supervisor.save()
    quiet = make_official("quiet", is_supervisor=True)  # no address: nobody to write to
    official = make_official("clerk", department)
    official.email = "clerk@dezhou.example"  # an official, not a supervisor: not told
    official.save()
    CityLeader.objects.create(name="王五", title="副市长", email="mayor@dezhou.example")
    CityLeader.objects.create(
        name="赵六", title="副市长", email="gone@dezhou.example", is_active=False
    )
    assert quiet.email == ""
    return ["boss@dezhou.example", "mayor@dezhou.example"]


def test_the_first_working_day_follows_the_calendar():
    assert is_first_workday_of_month(FIRST_WORKDAY)
    assert not is_first_workday_of_month(datetime.date(2023, 10, 2))  # a holiday
    assert not is_first_workday_of_month(datetime.date(2023, 10, 9))
    assert is_first_workday_of_month(datetime.date(2023, 11, 1))


def test_two_runs_on_the_first_working_day_queue_one_email_each(recipients):
    services.run(plan_monthly, FIRST_WORKDAY)
    services.run(plan_monthly, FIRST_WORKDAY)
    dispatches = Dispatch.objects.order_by("recipient")
    assert [d.recipient for d in dispatches] == recipients
    bulletin = Bulletin.objects.get()
    assert (bulletin.kind, bulletin.period_start) == ("month", datetime.date(2023, 9, 1))
    first = dispatches[0]
    assert first.subject_key == "bulletin:month:2023-09-01"
    assert bulletin.number in first.subject
    assert f"/files/bulletins/{bulletin.pk}/document/" in first.body_text
    assert f"/files/bulletins/{bulletin.pk}/annex/" in first.body_html


def test_a_bulletin_already_built_is_sent_as_it_is(recipients, supervisor_user):
    from bulletins.services import build_bulletin

    built = build_bulletin("month", datetime.date(2023, 9, 30), by=supervisor_user)
    plan_monthly(FIRST_WORKDAY)
    again = Bulletin.objects.get()
    assert (again.built_by, again.built_at) == (supervisor_user, built.built_at)


# A holiday before the first working day, the first working day after the catch-up week, and
# a Saturday inside November's catch-up week (7 and 8 October were make-up working days).
@pytest.mark.parametrize(
    "day", [datetime.date(2023, 10, 2), datetime.date(2023, 10, 16), datetime.date(2023, 11, 4)]
)
def test_any_other_day_does_nothing(recipients, day):
    assert plan_monthly(day) == []
    assert not Dispatch.objects.exists() and not Bulletin.objects.exists()


def test_a_first_working_day_missed_is_caught_up_on_the_next_once(recipients):
    """Beat was down on 7 October: Monday's run sends, Tuesday's sends nothing more."""
    services.run(plan_monthly, datetime.date(2023, 10, 9))
    assert sorted(Dispatch.objects.values_list("recipient", flat=True)) == recipients
    services.run(plan_monthly, datetime.date(2023, 10, 10))
    assert Dispatch.objects.count() == len(recipients)
    assert Bulletin.objects.count() == 1


def test_the_task_delivers_through_a_real_smtp_server(recipients, smtp_server):
    from bulletins.tasks import send_monthly_bulletin

    result = send_monthly_bulletin(FIRST_WORKDAY.isoformat())
    assert result["queued"] == 2
    assert sorted(m["To"] for m in smtp_server.messages) == recipients
    bulletin = Bulletin.objects.get()
    message = smtp_server.messages[0]
    assert bulletin.number in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert f"/files/bulletins/{bulletin.pk}/document/" in text
    assert set(Dispatch.objects.values_list("status", flat=True)) == {Dispatch.Status.SENT}
    send_monthly_bulletin(FIRST_WORKDAY.isoformat())  # a retry sends nothing more
    assert len(smtp_server.messages) == 2


def test_an_address_in_two_letter_cases_is_written_to_once(recipients):
    CityLeader.objects.create(name="孙七", title="副市长", email="BOSS@dezhou.example")
    services.run(plan_monthly, FIRST_WORKDAY)
    assert Dispatch.objects.count() == len(recipients)


def test_a_day_still_to_come_sends_nothing(recipients):
    import datetime as dt

    from django.utils import timezone

    from bulletins.mailing import in_sending_window
    from workdays.calendar import next_workday

    in_two_months = (timezone.localdate().replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    future_first_workday = next_workday(in_two_months)
    assert in_sending_window(future_first_workday)  # a sending day, but not yet come
    assert plan_monthly(future_first_workday) == []
    assert not Bulletin.objects.exists()
