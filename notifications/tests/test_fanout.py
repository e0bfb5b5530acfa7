"""The digests fanned out over the workers (``tasks.send_digests`` → one
``plan_city_digests`` per city → ``deliver_batch`` tasks of dispatch ids), with Celery
eager: the same emails as the in-process run, each batch claimed so a batch delivered twice
sends nothing twice, and sent rows marked a few at a time."""

import datetime
import random

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from config.celery import app
from core.tenancy import acting_for
from notifications import dispatch, services, tasks
from notifications.cities import City
from notifications.models import Dispatch, GroupRobot, WebhookSubscription
from notifications.recipients import department_addresses, departments
from notifications.tests.tenant_world import DEZHOU, LANGFANG, TODAY, two_cities
from notifications.weekly import SECTIONS, collect_digests, digest_addresses, digest_context
from tracker.models import KeyTask

pytestmark = pytest.mark.django_db

# The demo is seeded for this Monday (a working day) by the last tests (``demo_once``).
DEMO_TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def eager():
    before = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(before)


@pytest.fixture
def cities():
    made = two_cities()
    # Email only: the robots and webhooks of the world name real hosts.
    GroupRobot.objects.update(is_active=False)
    WebhookSubscription.objects.update(is_active=False)
    return made


def sent():
    """What left, comparable between runs: (recipients, subject, text, html)."""
    return sorted(
        (tuple(m.to), m.subject, m.body, m.alternatives[0][0] if m.alternatives else "")
        for m in mail.outbox
    )


def fan_out(callbacks):
    with callbacks(execute=True):
        tasks.send_digests.delay(TODAY.isoformat())


def test_the_fan_out_sends_what_the_in_process_run_sends(
    cities, eager, django_capture_on_commit_callbacks
):
    queued, _delivered = services.send_digests(TODAY)
    sequential = sent()
    assert len(sequential) == len([d for d in queued if d.channel == "email"]) > 4
    assert {d.tenant_id for d in queued} == {DEZHOU, LANGFANG}

    Dispatch.objects.all().delete()
    mail.outbox.clear()
    fan_out(django_capture_on_commit_callbacks)
    assert sent() == sequential
    emails = Dispatch.objects.filter(channel="email")
    assert set(emails.values_list("status", flat=True)) == {Dispatch.Status.SENT}

    mail.outbox.clear()
    fan_out(django_capture_on_commit_callbacks)  # the week is planned: nothing again
    assert mail.outbox == []


def test_a_batch_delivered_twice_sends_nothing_twice(cities, django_capture_on_commit_callbacks):
    batches = []
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.plan_city_digests(DEZHOU, TODAY, batches.append)
    ids = [d.pk for d in queued if d.channel == "email"]
    assert [pk for batch in batches for pk in batch] == ids and ids
    first = dispatch.deliver_ids(ids)
    assert first == {Dispatch.Status.SENT: len(ids)}
    assert dispatch.deliver_ids(ids) == {}  # claimed and sent: nothing to claim again
    assert dispatch.deliver_due() == {}  # nor for beat's catch-all
    assert len(mail.outbox) == len(ids)


def test_batches_are_split_and_only_committed_rows_handed_on(
    cities, settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 3)
    batches = []
    with django_capture_on_commit_callbacks() as callbacks:
        queued = services.plan_city_digests(LANGFANG, TODAY, batches.append)
        assert batches == []  # nothing before the plan's transaction commits
    for callback in callbacks:
        callback()
    assert all(len(batch) <= 3 for batch in batches)
    assert sorted(pk for batch in batches for pk in batch) == sorted(d.pk for d in queued)


def test_sent_rows_are_marked_ten_at_a_time(cities):
    rows = dispatch.queue(
        kind=Dispatch.Kind.DIGEST,
        subject_key="city",
        recipients=[f"r{i}@example.gov" for i in range(25)],
        period=TODAY,
        subject="周报",
        body_text="正文",
        tenant=DEZHOU,
    )
    with CaptureQueriesContext(connection) as queries:
        counts = dispatch.deliver_ids([row.pk for row in rows], as_of=TODAY)
    assert counts == {Dispatch.Status.SENT: 25}
    marks = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "'sent'" in q["sql"]]
    assert len(marks) == 3  # after the 10th, the 20th, and at the end: not 25
    assert len(mail.outbox) == 25
    assert Dispatch.objects.filter(status=Dispatch.Status.SENT).count() == 25


def template_rows(template, **context):
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"notifications/email/{template}", context)


def assert_rows_render_as_the_templates(code, today):
    """Every digest section's rows (and owed rows) of the city, built by notifications.rows,
    equal what ``_rows``/``_owed_rows`` render for the same rows; returns how many rows."""
    compared = 0
    with acting_for(code):
        digests = collect_digests(City(code), today)
        for department in departments(code):
            digest = digests.get(department.pk)
            if digest is None:
                continue
            for limit in (None, 5):  # the department's digest, its section in the city's
                context = digest_context(department, digest, today, limit)
                for name, mode in SECTIONS.items():
                    section = context[name]
                    assert section["text"] == template_rows(
                        "_rows.txt", rows=section["rows"], mode=mode
                    )
                    assert section["html"] == template_rows(
                        "_rows.html", rows=section["rows"], mode=mode
                    )
                    compared += len(section["rows"])
                for name in ("reports", "receipts"):
                    owed = context["owed"][name]
                    assert owed["text"] == template_rows("_owed_rows.txt", rows=owed["rows"])
                    assert owed["html"] == template_rows("_owed_rows.html", rows=owed["rows"])
                    compared += len(owed["rows"])
    return compared


def test_rows_render_as_the_templates_do(cities):
    # Characters the HTML must escape, a task done last week, one due soon.
    department = cities[DEZHOU].departments[0]
    task = cities[DEZHOU].tasks[0]
    KeyTask.objects.filter(pk=task.pk).update(title="A<b>&\"引号'")
    KeyTask.objects.filter(pk=cities[DEZHOU].tasks[1].pk).update(
        status="done", state="closed", completed_on=TODAY - datetime.timedelta(days=2)
    )
    KeyTask.objects.create(
        tenant_id=DEZHOU,
        code="DZ-SOON",
        year=2024,
        title="下周到期<i>",
        work_point=task.work_point,
        lead_department=department,
        deadline=TODAY + datetime.timedelta(days=1),
    )
    assert assert_rows_render_as_the_templates(DEZHOU, TODAY) > 5
    assert assert_rows_render_as_the_templates(LANGFANG, TODAY) > 3


def test_digest_addresses_are_each_departments(cities):
    for code in (DEZHOU, LANGFANG):
        found = digest_addresses(code)
        for department in departments(code):
            assert found.get(department.pk, []) == department_addresses(department, digest=True)


def listings(groups):
    """{(department id, overdue): (total, item keys in order)} of Listings filled by
    ``groups`` of (department id, overdue, total, items)."""
    from notifications.listing import Listing, by_completion, by_deadline

    found = {}
    for department_id, overdue, total, items in groups:
        order = by_deadline if items[0].completed_on is None else by_completion
        found.setdefault((department_id, overdue), Listing(order)).add_top(items, total)
    return {key: (lst.total, [i.key for i in lst.items()]) for key, lst in found.items()}


def test_sql_top_n_equals_the_python_listing(cities, settings):
    from notifications.cities import grouped

    settings.TRACKER_EMAIL_ROWS = 3
    rng = random.Random(20)
    work_point = cities[DEZHOU].tasks[0].work_point
    departments_ = cities[DEZHOU].departments
    KeyTask.objects.bulk_create(
        KeyTask(
            tenant_id=DEZHOU,
            code=f"R-{rng.randint(0, 99):02d}-{n}",  # ties on the deadline
            year=2024,
            title=f"随机{n}",
            work_point=work_point,
            lead_department=rng.choice(departments_),
            deadline=TODAY + datetime.timedelta(days=rng.randint(-6, 6)),
            **(
                {
                    "status": "done",
                    "state": "closed",
                    "completed_on": TODAY - datetime.timedelta(days=rng.randint(1, 7)),
                }
                if rng.random() < 0.3
                else {}
            ),
        )
        for n in range(120)
    )
    horizon, week = (
        TODAY + datetime.timedelta(days=14),
        (TODAY - datetime.timedelta(days=7), TODAY - datetime.timedelta(days=1)),
    )
    for code in (LANGFANG, DEZHOU):  # Dezhou, with the random tasks, last
        with acting_for(code):
            city = City(code)
            in_sql = listings(city.top_open(horizon, TODAY, 3))
            in_python = listings(grouped(city.open_items(horizon), lambda i: i.due_on < TODAY))
            assert in_sql == in_python
            done_sql = listings(city.top_completed(*week, 3))
            done_python = listings(grouped(city.completed_items(*week), lambda i: False))
            assert done_sql == done_python
    assert max(total for total, _keys in in_sql.values()) > 3  # Dezhou's lists were cut


# The demo's tests come last: the module's demo stays seeded from the first that asks.


def test_demo_rows_render_as_the_templates_do(demo_once):
    from notifications.recipients import city_codes

    compared = sum(assert_rows_render_as_the_templates(code, DEMO_TODAY) for code in city_codes())
    assert compared > 20


def test_demo_fan_out_sends_what_the_in_process_run_sends(
    demo_once, eager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    services.send_digests(DEMO_TODAY)
    sequential = sent()
    assert len(sequential) > 10
    Dispatch.objects.filter(kind=Dispatch.Kind.DIGEST).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_digests.delay(DEMO_TODAY.isoformat())
    assert sent() == sequential
