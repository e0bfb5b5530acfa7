"""A mail server (or a webhook receiver, a group robot) that stalls or is down: a delivery
run gives up within its timeout, records the error on each dispatch, and a later run
delivers each once. No web request waits on it.

The faults are real: an aiosmtpd server that accepts the message's envelope and never
answers the message (1 s EMAIL_TIMEOUT), and a server that is stopped (connection
refused), then started again on the same port. The cases are per channel
(``dispatch.CHANNELS``): a channel added later fails here until it has its faults.
"""

import datetime
import pathlib
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.daily import plan_daily
from notifications.dispatch import CHANNELS, deliver_due
from notifications.models import Dispatch
from notifications.tests.receivers import Receiver
from notifications.tests.webhook_faults import FAULTS as WEBHOOK_FAULTS
from notifications.tests.world import make_task
from workdays.calendar import calendar as workday_calendar

try:  # the group robots' faults (helper module of the robot channels)
    from notifications.tests.robot_faults import FAULTS as ROBOT_FAULTS
except ImportError:
    ROBOT_FAULTS = {}

pytestmark = pytest.mark.django_db

# For each channel, how to break it and mend it. Email: (break, mend, what the error says)
# on the SMTP server; the other channels: a ``fault_scenarios.Scenario`` each, on a
# receiver on loopback (``receivers.Receiver``).
FAULTS = {
    "email": {
        "stalls": (lambda server: server.stall(), lambda server: server.unstall(), "timed out"),
        "is down": (lambda server: server.stop(), lambda server: server.start(), "refused"),
    },
    **WEBHOOK_FAULTS,
    **ROBOT_FAULTS,
}

CASES = [
    (channel, fault) for channel in sorted(CHANNELS) for fault in FAULTS.get(channel, ["none"])
]


@pytest.fixture
def three_emails(people, work_point, department, reminders_only):
    """The next working day's reminder, queued for a@, b@ and commerce@ (a day to come:
    never out of date while the test runs)."""
    day = workday_calendar().next_workday(timezone.localdate() + datetime.timedelta(days=1))
    make_task(work_point, department, "KT-A", day - datetime.timedelta(days=2))
    plan_daily(day)
    return Dispatch.objects.filter(kind=Dispatch.Kind.REMINDER)


@pytest.mark.parametrize(("channel", "fault"), CASES)
def test_a_send_gives_up_within_the_timeout_and_is_retried_once(channel, fault, request):
    if fault not in FAULTS.get(channel, {}):
        pytest.fail(f"The channel {channel!r} has no fault scenarios: add them to FAULTS.")
    if channel == "email":
        email_gives_up_and_is_retried(fault, request)
    else:
        endpoint_gives_up_and_is_retried(channel, FAULTS[channel][fault], request)


def email_gives_up_and_is_retried(fault, request):
    mail_server = request.getfixturevalue("mail_server")
    three_emails = request.getfixturevalue("three_emails")
    breaks, mends, says = FAULTS["email"][fault]
    assert settings.EMAIL_TIMEOUT == 1
    breaks(mail_server)
    started = time.monotonic()
    assert deliver_due() == {Dispatch.Status.FAILED: 3}
    took = time.monotonic() - started
    # One timeout for the whole run, not one per email (a stall) and never unbounded.
    assert took < 2 * settings.EMAIL_TIMEOUT + 0.5, f"the run took {took:.2f} s"
    for dispatch in three_emails.all():
        assert dispatch.status == Dispatch.Status.FAILED and dispatch.attempts == 1
        assert says in dispatch.last_error and f":{mail_server.port})" in dispatch.last_error
    assert not mail_server.messages
    assert deliver_due() == {}  # not before its backoff

    mends(mail_server)
    later = max(d.next_attempt_at for d in three_emails.all()) + datetime.timedelta(seconds=1)
    assert deliver_due(now=later) == {Dispatch.Status.SENT: 3}
    assert deliver_due(now=later + datetime.timedelta(hours=1)) == {}
    assert sorted(m["To"] for m in mail_server.messages) == [
        "a@example.gov",
        "b@example.gov",
        "commerce@example.gov",
    ]
    for dispatch in three_emails.all():
        assert dispatch.status == Dispatch.Status.SENT and dispatch.attempts == 2
        assert dispatch.last_error == ""


def endpoint_gives_up_and_is_retried(channel, scenario, request):
    """The same for an endpoint channel: one timeout per endpoint and run, the error on
    each row, each delivered once after its backoff; the other channels untouched."""
    request.getfixturevalue("db")
    request.getfixturevalue("settings").TRACKER_WEBHOOK_TIMEOUT = 1
    with Receiver() as receiver:
        queued = scenario.setup(receiver)
        rows = Dispatch.objects.filter(pk__in=[d.pk for d in queued])
        assert queued and set(rows.values_list("channel", flat=True)) == {channel}
        scenario.breaks(receiver)
        started = time.monotonic()
        assert deliver_due(channel=channel) == {Dispatch.Status.FAILED: len(queued)}
        took = time.monotonic() - started
        assert took < 2 * settings.TRACKER_WEBHOOK_TIMEOUT + 0.5, f"the run took {took:.2f} s"
        for dispatch in rows.all():
            assert dispatch.status == Dispatch.Status.FAILED and dispatch.attempts == 1
            assert scenario.says in dispatch.last_error, dispatch.last_error
        assert not receiver.requests
        assert deliver_due(channel=channel) == {}  # not before its backoff

        scenario.mends(receiver)
        later = max(d.next_attempt_at for d in rows.all()) + datetime.timedelta(seconds=1)
        assert deliver_due(now=later, channel=channel) == {Dispatch.Status.SENT: len(queued)}
        assert deliver_due(now=later + datetime.timedelta(hours=1)) == {}
        assert len(receiver.requests) == len(queued)
        for dispatch in rows.all():
            assert dispatch.status == Dispatch.Status.SENT and dispatch.attempts == 2
            assert dispatch.last_error == ""


def test_a_refused_address_fails_alone_and_the_rest_goes_out(mail_server, three_emails):
    """A message the server refuses is not an outage: the others are sent in the run."""
    mail_server.refuse.add("a@example.gov")
    assert deliver_due() == {Dispatch.Status.FAILED: 1, Dispatch.Status.SENT: 2}
    refused = three_emails.get(recipient="a@example.gov")
    assert refused.status == Dispatch.Status.FAILED and "550" in refused.last_error
    assert sorted(m["To"] for m in mail_server.messages) == [
        "b@example.gov",
        "commerce@example.gov",
    ]


MAIL_SENDING = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
    r"EmailMultiAlternatives|send_messages|get_connection)\b"
)


def test_no_web_request_sends_mail():
    """Only the email channel, run by the worker's delivery, talks to the mail server: views,
    admin actions and API calls queue rows in the dispatch log and return."""
    root = pathlib.Path(settings.BASE_DIR)
    senders = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "tests", "node_modules", "bench"} & set(path.relative_to(root).parts)
        and MAIL_SENDING.search(path.read_text(encoding="utf-8"))
    )
    assert senders == ["notifications/channels/email.py"]
    # Django mails errors to ADMINS from inside the failing request: there are none.
    assert not settings.ADMINS and not settings.MANAGERS


def test_a_resend_from_the_admin_answers_while_the_mail_server_stalls(
    client, mail_server, people, three_emails
):
    mail_server.stall()
    client.force_login(people["supervisor"])
    started = time.monotonic()
    response = client.post(
        reverse("admin:notifications_dispatch_changelist"),
        {"action": "resend", "_selected_action": [d.pk for d in three_emails]},
    )
    took = time.monotonic() - started
    assert response.status_code == 302 and took < settings.EMAIL_TIMEOUT
    assert set(three_emails.values_list("status", flat=True)) == {Dispatch.Status.PENDING}
