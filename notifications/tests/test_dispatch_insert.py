"""Queuing many emails at once writes their bodies as VALUES rows (core.long_text), and
they are stored exactly as rendered, quotes, backslashes and all."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.dispatch import one_insert, queue
from notifications.models import Dispatch

pytestmark = pytest.mark.django_db

HTML = '<a href="https://x/?a=1&b=\\2">{"引号" \\" \'单\' \\\\}</a>\n' * 40


def test_a_runs_emails_are_inserted_as_values_and_stored_as_rendered():
    with CaptureQueriesContext(connection) as queries, one_insert() as queued:
        for n in range(3):
            queue(
                kind="digest",
                subject_key=f"department:{n}",
                recipients=[f"d{n}@example.org", f"e{n}@example.org"],
                period=datetime.date(2026, 11, 23),
                subject="每周提醒",
                body_text=f"{HTML}{n}",
                body_html=f"{HTML}<b>{n}</b>",
            )
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "UNNEST" not in inserts[0]  # one statement, VALUES rows
    assert len(queued.rows) == 6
    stored = Dispatch.objects.order_by("recipient")
    assert [(d.recipient, d.body_text, d.body_html) for d in stored] == sorted(
        (f"{who}{n}@example.org", f"{HTML}{n}", f"{HTML}<b>{n}</b>")
        for n in range(3)
        for who in "de"
    )
