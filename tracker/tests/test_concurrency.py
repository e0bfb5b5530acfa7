"""Exactly once under two concurrent runs, against PostgreSQL."""

import datetime
import threading

import pytest
from django.db import connection, connections

from notifications.models import Dispatch
from notifications.services import send_digests, send_reminders
from tracker.models import EscalationRung, KeyTask

MONDAY = datetime.date(2023, 7, 3)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_at_once(function, times=2):
    barrier = threading.Barrier(times)
    errors = []

    def run():
        try:
            barrier.wait()
            function(MONDAY)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_two_concurrent_runs_send_each_email_once(
    smtp_server, make_official, department, work_point
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    # The ladder's emails have their own two-worker test (notifications/tests/test_ladder.py).
    EscalationRung.objects.update(is_active=False)
    for name in ("a", "b", "c"):
        user = make_official(f"official-{name}", department)
        user.email = f"{name}@example.gov"
        user.save()
    boss = make_official("boss", is_supervisor=True)
    boss.email = "boss@example.gov"
    boss.save()
    for number in range(5):
        KeyTask.objects.create(
            code=f"KT-{number}",
            year=2023,
            title=f"任务{number}",
            work_point=work_point,
            lead_department=department,
            deadline=MONDAY - datetime.timedelta(days=number + 1),
        )
    run_at_once(send_reminders)
    run_at_once(send_digests)
    recipients = sorted(m["To"] for m in smtp_server.messages)
    # 3 reminders, 3 digests to officials, 1 city digest to the supervisor: each exactly once.
    assert recipients == sorted(
        ["a@example.gov", "b@example.gov", "c@example.gov"] * 2 + ["boss@example.gov"]
    )
    assert Dispatch.objects.filter(status=Dispatch.Status.SENT).count() == 7
