"""Signed webhooks through the dispatch log, against real receivers on loopback.

Time is driven with ``deliver_due(now=…)``: nothing sleeps for a backoff.
"""

import base64
import datetime
import hashlib
import hmac
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from notifications.dispatch import deliver_due
from notifications.endpoints import resume
from notifications.models import Dispatch, WebhookSubscription
from notifications.tests.receivers import Receiver
from notifications.tests.webhook_world import (
    after_backoff,
    delivered_ids,
    ping,
    rows_of,
    subscribe,
)
from projects.services import record_project_update, save_project

pytestmark = pytest.mark.django_db

WEBHOOK = "webhook"


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def short_timeout(settings):
    settings.TRACKER_WEBHOOK_TIMEOUT = 1


def test_the_signature_verifies_with_the_library_and_by_hand(receiver, project):
    subscription = subscribe(receiver)
    record_project_update(
        project=project,
        reported_on=datetime.date(2023, 5, 5),
        stage="negotiating",
        funds_in_place=0,
    )
    assert deliver_due(channel=WEBHOOK) == {Dispatch.Status.SENT: 1}
    (request,) = receiver.requests
    event = Webhook(subscription.secret).verify(request.body, request.headers)
    assert event["type"] == "project.stage_changed"
    assert event["data"]["id"] == project.pk and event["data"]["object"] == "project"
    assert event["data"]["url"].endswith(f"/api/v1/projects/{project.pk}/")
    assert event["data"]["previous_stage"] != event["data"]["stage"] == "negotiating"
    assert request.headers["x-tracker-event"] == "project.stage_changed"
    assert request.headers["webhook-id"] == rows_of(subscription).get().subject_key

    # The same check written out, as a receiver without the library would.
    key = base64.b64decode(subscription.secret.removeprefix("whsec_"))
    signed = f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}."
    expected = hmac.new(key, signed.encode() + request.body, hashlib.sha256).digest()
    version, signature = request.headers["webhook-signature"].split(",", 1)
    assert version == "v1"
    assert hmac.compare_digest(base64.b64decode(signature), expected)

    tampered = request.body.replace(b"negotiating", b"producing")
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription.secret).verify(tampered, request.headers)
    other_secret = subscribe(receiver, name="别人").secret
    with pytest.raises(WebhookVerificationError):
        Webhook(other_secret).verify(request.body, request.headers)


def test_an_event_is_recorded_in_the_changes_transaction(receiver, project, lingcheng):
    wants = subscribe(receiver, events=["project.created"])
    subscribe(receiver, name="只要问题", events=["blocker.raised"])
    subscribe(receiver, name="停用", events=["project.created"]).__class__.objects.filter(
        name="停用"
    ).update(is_active=False)
    new = type(project)(
        code="DZ-2023-002",
        name="新项目",
        origin=project.origin,
        host_division=lingcheng,
        responsible_department=project.responsible_department,
        year=2023,
        total_investment=100,
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        save_project(new, by=None)
        assert Dispatch.objects.filter(kind=Dispatch.Kind.EVENT).count() == 1
        raise RuntimeError("the change is rolled back")
    assert not Dispatch.objects.filter(kind=Dispatch.Kind.EVENT).exists()

    new.pk = None
    save_project(new, by=None)
    (row,) = Dispatch.objects.filter(kind=Dispatch.Kind.EVENT)
    assert row.subscription == wants and row.recipient == f"webhook:{wants.pk}"
    assert row.channel == WEBHOOK and len(row.subject_key) == 32
    assert row.payload["type"] == "project.created"
    assert row.payload["data"]["code"] == "DZ-2023-002"


def test_a_receiver_that_fails_twice_then_recovers_gets_every_event_in_order(receiver):
    subscription = subscribe(receiver)
    events = [ping(subscription, n) for n in range(4)]
    receiver.script = [500, 503]
    now = timezone.now()
    assert deliver_due(now=now, channel=WEBHOOK) == {Dispatch.Status.FAILED: 4}
    # Only the first event was tried: the others waited behind the outage.
    assert deliver_due(now=after_backoff(subscription), channel=WEBHOOK) == {
        Dispatch.Status.FAILED: 4
    }
    assert deliver_due(now=after_backoff(subscription), channel=WEBHOOK) == {
        Dispatch.Status.SENT: 4
    }
    ids = [event.subject_key for event in events]
    assert delivered_ids(receiver) == [ids[0], ids[0], *ids]
    assert [r.json()["data"]["n"] for r in receiver.requests[2:]] == [0, 1, 2, 3]
    assert set(rows_of(subscription).values_list("status", flat=True)) == {"sent"}
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0 and subscription.paused_at is None


def test_a_refused_event_fails_alone_and_holds_back_the_later_ones(receiver):
    subscription = subscribe(receiver)
    first, second = ping(subscription, 1), ping(subscription, 2)
    receiver.script = [400]
    counts = deliver_due(channel=WEBHOOK)
    assert counts == {Dispatch.Status.FAILED: 1, Dispatch.Status.PENDING: 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "failed" and "HTTP 400" in first.last_error
    assert second.status == "pending" and second.attempts == 0
    assert deliver_due(channel=WEBHOOK) == {}  # the second waits for the first's retry
    assert deliver_due(now=after_backoff(subscription), channel=WEBHOOK) == {
        Dispatch.Status.SENT: 2
    }
    assert delivered_ids(receiver) == [first.subject_key, first.subject_key, second.subject_key]


def test_dead_and_stalled_receivers_do_not_hold_up_another_subscription(short_timeout):
    with Receiver() as dead, Receiver() as stalled, Receiver() as healthy:
        subscriptions = [
            subscribe(dead, name="dead"),
            subscribe(stalled, name="stalled"),
            subscribe(healthy, name="healthy"),
        ]
        for n in range(2):
            for subscription in subscriptions:
                ping(subscription, n)
        dead.stop()
        stalled.stall()
        started = timezone.now()
        counts = deliver_due(channel=WEBHOOK)
        took = (timezone.now() - started).total_seconds()
        assert counts == {Dispatch.Status.SENT: 2, Dispatch.Status.FAILED: 4}
        assert took < 2 * 1 + 1, f"took {took:.1f} s"  # one timeout for the stalled one
        assert [r.json()["data"]["n"] for r in healthy.requests] == [0, 1]
        errors = {
            s.name: set(rows_of(s).values_list("last_error", flat=True)) for s in subscriptions
        }
        assert "refused" in errors["dead"].pop() and "timed out" in errors["stalled"].pop()
        assert errors["healthy"] == {""}


def test_a_failing_receiver_is_paused_and_resuming_delivers_the_backlog_in_order(
    receiver, settings, people
):
    settings.TRACKER_ENDPOINT_PAUSE_AFTER = 3
    subscription = subscribe(receiver)
    backlog = [ping(subscription, 0)]
    receiver.script = [500] * 3
    for _attempt in range(3):
        deliver_due(now=after_backoff(subscription), channel=WEBHOOK)
    subscription.refresh_from_db()
    assert subscription.paused_at is not None and subscription.consecutive_failures == 3
    assert "HTTP 500" in subscription.last_error
    notice = Dispatch.objects.get(kind=Dispatch.Kind.NOTICE)
    assert notice.recipient == "boss@example.gov" and subscription.name in notice.subject
    # Paused: nothing is tried, whatever the time; new events are still recorded.
    backlog += [ping(subscription, n) for n in (1, 2)]
    later = timezone.now() + datetime.timedelta(days=2)
    assert deliver_due(now=later, channel=WEBHOOK) == {}
    assert len(receiver.requests) == 3
    # Failing on another day tells the supervisors once more, not on every failure.
    assert resume(subscription) == 1
    subscription.refresh_from_db()
    assert subscription.paused_at is None and subscription.consecutive_failures == 0
    assert deliver_due(channel=WEBHOOK) == {Dispatch.Status.SENT: 3}
    assert delivered_ids(receiver)[3:] == [event.subject_key for event in backlog]
    assert Dispatch.objects.filter(kind=Dispatch.Kind.NOTICE).count() == 1


def test_an_inactive_subscription_gets_nothing(receiver):
    subscription = subscribe(receiver)
    ping(subscription, 0)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    assert deliver_due(channel=WEBHOOK) == {}
    assert not receiver.requests


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_runs_deliver_each_event_once_and_in_order():
    with Receiver() as first, Receiver() as second:
        slow = [lambda request: (threading.Event().wait(0.01), 200)[1]] * 100
        first.script, second.script = list(slow), list(slow)
        subscriptions = [subscribe(first, name="a"), subscribe(second, name="b")]
        for n in range(15):
            for subscription in subscriptions:
                ping(subscription, n)
        results, errors = [], []

        def run():
            try:
                results.append(deliver_due(channel=WEBHOOK))
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors
        leftover = deliver_due(channel=WEBHOOK)
        assert sum(r.get("sent", 0) for r in [*results, leftover]) == 30
        for receiver, subscription in zip((first, second), subscriptions, strict=True):
            ids = delivered_ids(receiver)
            assert ids == [row.subject_key for row in rows_of(subscription)]
            assert [r.json()["data"]["n"] for r in receiver.requests] == list(range(15))
