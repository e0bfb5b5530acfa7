"""Shared test fixtures: a minimal, valid world to build each test on."""

import datetime
from decimal import Decimal

import pytest

from regions.choices import DivisionLevel


@pytest.fixture
def beijing(db):
    from regions.models import Division

    return Division.objects.create(code="110000", name="北京市", level=DivisionLevel.PROVINCE)


@pytest.fixture
def dezhou(db):
    from regions.models import Division

    shandong = Division.objects.create(code="370000", name="山东省", level=DivisionLevel.PROVINCE)
    return Division.objects.create(
        code="371400", name="德州市", level=DivisionLevel.PREFECTURE_CITY, parent=shandong
    )


@pytest.fixture
def lingcheng(dezhou):
    from regions.models import Division

    return Division.objects.create(
        code="371403", name="陵城区", level=DivisionLevel.DISTRICT, parent=dezhou
    )


@pytest.fixture
def decheng(dezhou):
    from regions.models import Division

    return Division.objects.create(
        code="371402", name="德城区", level=DivisionLevel.DISTRICT, parent=dezhou
    )


@pytest.fixture
def department(dezhou):
    from tracker.models import Department

    return Department.objects.create(name="德州市商务局", short_name="市商务局", division=dezhou)


@pytest.fixture
def other_department(dezhou):
    from tracker.models import Department

    return Department.objects.create(
        name="德州市科学技术局", short_name="市科学技术局", division=dezhou
    )


@pytest.fixture
def work_point(db):
    from tracker.choices import Aspect
    from tracker.models import WorkPoint

    return WorkPoint.objects.create(
        year=2023, aspect=Aspect.INDUSTRY, number=1, title="推进靶向精准招商"
    )


@pytest.fixture
def task(work_point, department):
    from tracker.models import KeyTask

    return KeyTask.objects.create(
        code="KT-2023-001",
        year=2023,
        title="制定对接服务清单",
        work_point=work_point,
        lead_department=department,
        deadline=datetime.date(2023, 6, 30),
    )


@pytest.fixture
def project(beijing, lingcheng, department):
    from projects.models import Project

    return Project.objects.create(
        code="DZ-2023-001",
        name="数字化工厂项目",
        investor="北京恒瑞安科技有限公司",
        origin=beijing,
        host_division=lingcheng,
        responsible_department=department,
        year=2023,
        total_investment=Decimal("52000"),
    )


@pytest.fixture
def other_task(task, other_department):
    from tracker.models import KeyTask

    return KeyTask.objects.create(
        code="KT-2023-002",
        year=2023,
        title="别的部门的任务",
        work_point=task.work_point,
        lead_department=other_department,
        deadline=datetime.date(2023, 9, 30),
    )


@pytest.fixture
def other_project(project, other_department):
    from projects.models import Project

    return Project.objects.create(
        code="DZ-2023-002",
        name="别的部门的项目",
        host_division=project.host_division,
        responsible_department=other_department,
        year=2023,
        total_investment=Decimal("30000"),
    )


@pytest.fixture
def api_client_for(db):
    """``api_client_for(user, scope="read_write")``: an API client holding a new token."""
    from rest_framework.test import APIClient

    from tracker.services import create_api_token

    def make(user, scope="read_write"):
        _token, key = create_api_token(name="test", user=user, scope=scope)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make


@pytest.fixture
def official_user(make_official, department):
    return make_official("official", department)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing is slow on purpose in production; tests log in many times.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # The courting hint's daily budget is counted in the cache, which outlives a test;
    # the budget's own test sets it low.
    settings.TRACKER_COURTING_HINTS_PER_DAY = 10**6


@pytest.fixture
def make_official(db):
    """Create a login with the role's group, as a supervisor would from the admin."""
    from tracker.models import Official
    from tracker.services import add_official

    def make(username, department=None, is_supervisor=False):
        official = Official(department=department, is_supervisor=is_supervisor)
        return add_official(official, username=username, password="secret-password").user

    return make


@pytest.fixture
def supervisor_user(make_official):
    return make_official("supervisor", is_supervisor=True)


@pytest.fixture
def other_official_user(make_official, other_department):
    return make_official("other-official", other_department)


class CollectingHandler:
    """An SMTP server's handler that keeps what it receives, refusing listed addresses."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); the tracker's email goes there."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    handler.controller = controller
    yield handler
    controller.stop()


def file_storages(base, location):
    return {
        **base,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def evidence_storage(request, settings, tmp_path):
    """Evidence files (the demo's too) go to a folder of the test's own, never under var/;
    under ``demo_once``, to the module's folder, where the seeded demo's files are."""
    location = (
        request.getfixturevalue("demo_once") if "demo_once" in request.fixturenames else tmp_path
    )
    settings.STORAGES = file_storages(settings.STORAGES, location)
    return location


@pytest.fixture(scope="module")
def demo_once(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for a whole test module, as Django's ``setUpTestData`` does:
    each test of the module (using ``db``) runs in a savepoint inside the module's
    transaction, which is rolled back after the last one. Seeding costs about 12 seconds on
    PostgreSQL, once per module instead of once per test. The module may set ``DEMO_TODAY``
    (a date) to seed the demo for that day. Yields the folder holding the demo's files.

    Only for modules whose tests all use ``db`` (not ``transactional_db``, which would
    empty the tables under the module's transaction)."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    location = tmp_path_factory.mktemp("demo-files")
    today = getattr(request.module, "DEMO_TODAY", None)
    options = ["--today", today.isoformat()] if today else []
    with (
        django_db_blocker.unblock(),
        override_settings(
            STORAGES=file_storages(settings.STORAGES, location), PASSWORD_HASHERS=FAST_HASHERS
        ),
        transaction.atomic(),
    ):
        call_command("seed", "--demo", *options, stdout=StringIO())
        yield location
        transaction.set_rollback(True)
