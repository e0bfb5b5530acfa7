"""Webhook events: the outbox domain apps publish what changed through.

``publish`` records one dispatch per active subscription of the object's city that wants
the event's type, in the caller's transaction: a change that is rolled back publishes
nothing, and one that commits is delivered by the worker (``dispatch.deliver_due``),
retried until its receiver takes it. No web request talks to a receiver: after the commit
a delivery run is only asked for, from a thread, and a broker that is down changes
nothing (beat's scan every few minutes delivers what the log holds anyway).

The payload is thin: what the object is (its kind, id and API URL), its city (``city``,
the GB/T 2260 code of its tenant) and what changed; a receiver reads the object through
the API with its token for the rest. A subscription belongs to one city and receives
that city's events only (a province's subscriptions receive none in this version).
Every event has an id (``webhook-id``), the same on each retry and for each subscription.

Domain apps may import this module (config/tests/test_architecture.py).
"""

import datetime
import logging
import threading
import uuid

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.ownership import follow
from core.tenancy import tenant_path

from . import emails
from .models import Channel, Dispatch, WebhookSubscription

logger = logging.getLogger(__name__)

# The event types a subscription may ask for, and what each means (the API's schema and
# the admin show these).
EVENT_TYPES = {
    "project.created": _("A project was created"),
    "project.stage_changed": _("A project reached another stage"),
    "project.report_recorded": _("A project's status report was recorded"),
    "task.state_changed": _("A key task moved in the supervision loop"),
    "blocker.raised": _("A problem was raised"),
    "blocker.solved": _("A problem was solved"),
}
# Sent only by a supervisor's "send a test event", to one subscription, whatever it asked.
PING = "ping"

# What a receiver calls each object, and the router's name of its API detail.
OBJECTS = {
    "projects.project": ("project", "project-detail"),
    "tracker.keytask": ("task", "keytask-detail"),
    "projects.blocker": ("blocker", "blocker-detail"),
}


def tenant_of(obj):
    """The city (tenant code) ``obj`` belongs to, through its ``tenant_path``; None for
    no object, or one of shared reference data."""
    path = tenant_path(type(obj)) if obj is not None else None
    return follow(obj, path) if path else None


def describe_object(obj):
    """{"object", "id", "url"} of ``obj``, the URL absolute (None without an API detail)."""
    if obj is None:
        return {}
    label = obj._meta.label_lower
    name, route = OBJECTS.get(label, (obj._meta.model_name, None))
    try:
        url = emails.absolute(reverse(route, kwargs={"pk": obj.pk})) if route else None
    except NoReverseMatch:
        url = None
    return {"object": name, "id": obj.pk, "url": url}


def envelope(event_type, obj, data, at, city):
    return {
        "type": event_type,
        "timestamp": at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "data": {**describe_object(obj), "city": city, **data},
    }


def wanting(event_type, tenant):
    """The active subscriptions of ``tenant`` (a city) that want ``event_type``."""
    return wanting_any([event_type], tenant)


def wanting_any(event_types, tenant):
    """The active subscriptions of ``tenant`` (a city) that want any of ``event_types``:
    one read for the events one change publishes together."""
    if tenant is None:
        return []
    # A handful of subscriptions: filtered here rather than with a JSON lookup, which
    # SQLite and PostgreSQL spell differently.
    subscriptions = WebhookSubscription.objects.for_tenants([tenant]).filter(is_active=True)
    return [
        subscription
        for subscription in subscriptions.order_by("pk")
        if any(event_type in (subscription.events or []) for event_type in event_types)
    ]


def publish(event_type, *, obj, data, at=None, subscriptions=None):
    """Record ``event_type`` about ``obj`` (``data``: what changed) for every active
    subscription of ``obj``'s city that wants it (or for those of ``subscriptions`` of
    that city: all of them for no object), in the caller's transaction; returns the
    dispatches. Delivery is asked for once the transaction commits."""
    check_type(event_type)
    tenant = tenant_of(obj)
    if subscriptions is None:
        targets = wanting(event_type, tenant)
    else:
        targets = [s for s in subscriptions if tenant is None or s.tenant_id == tenant]
    return record(dispatches(event_type, obj, data, at, targets, tenant))


def publish_together(events, *, obj, at=None):
    """``publish`` each ``(event_type, data)`` of ``events`` about ``obj`` (what one change
    tells: a report that also moves a stage) with one read of the city's subscriptions
    and one insert; returns the dispatches."""
    for event_type, _data in events:
        check_type(event_type)
    tenant = tenant_of(obj)
    subscriptions = wanting_any([event_type for event_type, _data in events], tenant)
    rows = []
    for event_type, data in events:
        targets = [s for s in subscriptions if event_type in (s.events or [])]
        rows += dispatches(event_type, obj, data, at, targets, tenant)
    return record(rows)


def check_type(event_type):
    if event_type not in EVENT_TYPES and event_type != PING:
        raise ValueError(f"Unknown event type: {event_type!r}")


def dispatches(event_type, obj, data, at, targets, tenant):
    """The unsaved dispatches of one event (one id) to ``targets``."""
    if not targets:
        return []
    at = at or timezone.now()
    event_id = uuid.uuid4().hex
    # The object's city; a ping (no object) names its subscription's.
    payloads = {
        city: envelope(event_type, obj, data, at, city)
        for city in {tenant or s.tenant_id for s in targets}
    }
    return [
        Dispatch(
            tenant_id=subscription.tenant_id,
            kind=Dispatch.Kind.EVENT,
            channel=Channel.WEBHOOK,
            subscription=subscription,
            recipient=f"webhook:{subscription.pk}",
            subject_key=event_id,
            period=timezone.localdate(at),
            subject=event_type,
            body_text="",
            payload=payloads[tenant or subscription.tenant_id],
        )
        for subscription in targets
    ]


def record(rows):
    """Insert the dispatches, and ask for delivery once the transaction commits."""
    if not rows:
        return []
    rows = Dispatch.objects.bulk_create(rows)
    transaction.on_commit(ask_for_delivery)
    return rows


# One kick covers every event committed before it is sent: a burst of commits (an Excel
# import publishing 200 events) starts one thread and one task, not 200.
_kick_pending = threading.Event()


def ask_for_delivery():
    """Ask a worker for a webhook run now, from a thread: the request that published
    never waits on the broker, and a broker that is down only delays delivery until
    beat's next scan."""
    if _kick_pending.is_set():
        return
    _kick_pending.set()
    threading.Thread(target=kick, name="webhook-kick", daemon=True).start()


def kick():
    # Cleared before sending: an event committed from here on asks for a run of its own.
    _kick_pending.clear()
    try:
        from .tasks import deliver_channel

        deliver_channel.apply_async(("webhook",), retry=False, ignore_result=True)
    except Exception as error:  # the broker is down: beat's scan delivers later
        logger.info("could not ask for a webhook delivery now (%s); beat will", error)
