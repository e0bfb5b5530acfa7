"""The people the notification tests write to."""

import pytest


@pytest.fixture(autouse=True)
def robots_on_loopback(settings):
    """The robot fakes listen on 127.0.0.1; the platforms' real hosts stay allowed."""
    settings.TRACKER_ROBOT_HOSTS = [*settings.TRACKER_ROBOT_HOSTS, "127.0.0.1"]


@pytest.fixture
def people(make_official, department, other_department):
    """A department with its own address and two officials (b@ takes no digest), and a
    supervisor."""
    department.email = "commerce@example.gov"
    department.save()
    official = make_official("official-a", department)
    official.email = "a@example.gov"
    official.save()
    opted_out = make_official("official-b", department)
    opted_out.email = "b@example.gov"
    opted_out.save()
    opted_out.official.receives_digest = False
    opted_out.official.save()
    supervisor = make_official("boss", is_supervisor=True)
    supervisor.email = "boss@example.gov"
    supervisor.save()
    return {"official": official, "supervisor": supervisor}


@pytest.fixture
def mail_server(settings):
    """A real SMTP server that the test may stop, start again or make stall (see
    ``world.MailServer``); the tracker's email goes there, with a 1 s EMAIL_TIMEOUT."""
    from notifications.tests.world import MailServer

    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    yield server
    server.stop()


@pytest.fixture
def reminders_only(db, settings):
    """No escalation ladder and no report cycles for key tasks: the tests of reminders and
    digests that predate the supervision loop see only the emails they are about."""
    from tracker.models import EscalationRung

    EscalationRung.objects.update(is_active=False)
    settings.TRACKER_TASK_REPORT_CYCLE = "none"
