"""The scheduled tasks on a real Celery worker with the real Redis broker."""

import datetime

import pytest
from django.conf import settings

from notifications.models import Dispatch
from notifications.tests.world import item_link
from tracker.choices import ReportingCycle
from tracker.models import KeyTask

pytestmark = [
    # serialized_rollback: restore what migrations installed (groups, schedules) afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL not set (CI sets it)"),
]


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(
        app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=30
    ):
        yield app


def test_reminder_task_on_a_real_worker_sends_each_email_once(
    worker, smtp_server, make_official, department, work_point, reminders_only
):
    from notifications.tasks import send_reminders

    official = make_official("official-a", department)
    official.email = "a@example.gov"
    official.save()
    KeyTask.objects.create(
        code="KT-A",
        year=2023,
        title="任务A",
        work_point=work_point,
        lead_department=department,
        deadline=datetime.date(2023, 7, 1),
        reporting_cycle=ReportingCycle.NONE,  # the reminder only: no report owed
    )
    first = send_reminders.apply_async(["2023-07-03"], ignore_result=False).get(timeout=60)
    assert first["queued"] == 1 and first["delivered"] == {"sent": 1}
    again = send_reminders.apply_async(["2023-07-03"], ignore_result=False).get(
        timeout=60
    )  # a retried or repeated run
    assert again["queued"] == 1 and again["delivered"] == {}
    assert len(smtp_server.messages) == 1
    assert Dispatch.objects.get().status == Dispatch.Status.SENT


def database_url():
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker_process(smtp_server, settings):
    """A real `celery worker` process on its own queue, on the test database and SMTP server."""
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_end_to_end_worker_process_redis_and_smtp(
    worker_process, smtp_server, make_official, department, work_point, reminders_only
):
    from notifications.tasks import send_reminders

    official = make_official("official-a", department)
    official.email = "a@example.gov"
    official.save()
    task = KeyTask.objects.create(
        code="KT-E2E",
        year=2023,
        title="编制京津疏解转移需求对接服务清单",
        work_point=work_point,
        lead_department=department,
        deadline=datetime.date(2023, 6, 30),
        reporting_cycle=ReportingCycle.NONE,  # the worker has its own settings
    )
    result = send_reminders.apply_async(
        args=["2023-07-03"], queue=worker_process, ignore_result=False
    )
    assert result.get(timeout=90)["delivered"] == {"sent": 1}
    [message] = smtp_server.messages
    assert message["To"] == "a@example.gov"
    assert " ".join(str(message["Subject"]).split()) == "[逾期提醒] 市商务局:1 项逾期"
    body = message.get_body(("plain",)).get_content()
    assert task.title in body and "逾期 3 天" in body
    assert item_link(f"task:{task.pk}", f"/admin/tracker/keytask/{task.pk}/change/") in body
