"""The state of an endpoint (a webhook subscription, a group robot): failures in a row,
paused, resumed. One function per change; the dispatch log's delivery and the admin's
and API's actions call them.

An endpoint that fails ``TRACKER_ENDPOINT_PAUSE_AFTER`` deliveries in a row, or that
refuses us for good (``channels.Disable``), is paused: its rows stay in the log and are
not claimed, new ones are still recorded, and the supervisors of the endpoint's city are
told by email, once a day per endpoint. ``resume`` clears the pause and requeues what
failed, so that the backlog goes out in order.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import emails  # a module, not names: emails imports dispatch, which imports us
from .models import Dispatch, GroupRobot, WebhookSubscription
from .recipients import supervisor_addresses

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


def rows_of(endpoint):
    """The endpoint's rows in the dispatch log."""
    if isinstance(endpoint, WebhookSubscription):
        return Dispatch.objects.filter(subscription=endpoint)
    return Dispatch.objects.filter(robot=endpoint)


def recipient_of(endpoint):
    """The endpoint's ``Dispatch.recipient`` ("webhook:<id>" or "robot:<id>")."""
    prefix = "webhook" if isinstance(endpoint, WebhookSubscription) else "robot"
    return f"{prefix}:{endpoint.pk}"


def stored(endpoint):
    return type(endpoint).objects.filter(pk=endpoint.pk)


def note_success(endpoint):
    """A delivery went through: the failures in a row start again from 0."""
    stored(endpoint).filter(consecutive_failures__gt=0).update(consecutive_failures=0)
    endpoint.consecutive_failures = 0


def note_failure(endpoint, text, *, now):
    """One more failed delivery (an outage of a run counts once); pauses the endpoint at
    ``TRACKER_ENDPOINT_PAUSE_AFTER`` in a row. Returns True when it is paused now."""
    with transaction.atomic():
        stored(endpoint).update(
            consecutive_failures=F("consecutive_failures") + 1,
            last_error=text[:ERROR_MAX_LENGTH],
        )
        state = stored(endpoint).values("consecutive_failures", "paused_at").first()
        if state is None:
            return False
        endpoint.consecutive_failures = state["consecutive_failures"]
        if state["paused_at"] is not None:
            return True
        if state["consecutive_failures"] < settings.TRACKER_ENDPOINT_PAUSE_AFTER:
            return False
        pause(endpoint, text, now=now)
        return True


@transaction.atomic
def pause(endpoint, reason, *, now):
    """Stop delivering to ``endpoint`` until it is resumed, and tell the supervisors (once
    a day per endpoint). Pausing a paused endpoint changes nothing."""
    paused = (
        stored(endpoint)
        .filter(paused_at__isnull=True)
        .update(paused_at=now, last_error=reason[:ERROR_MAX_LENGTH])
    )
    if not paused:
        return False
    endpoint.paused_at = now
    logger.warning("%s paused: %s", recipient_of(endpoint), reason)
    tell_supervisors(endpoint, reason, now=now)
    return True


def admin_url(endpoint):
    opts = endpoint._meta
    try:
        path = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[endpoint.pk])
    except NoReverseMatch:  # a robot before its admin exists
        path = reverse("admin:index")
    return emails.absolute(path)


def tell_supervisors(endpoint, reason, *, now):
    day = timezone.localdate(now)
    kind = "webhook" if isinstance(endpoint, WebhookSubscription) else "robot"
    return emails.queue_for(
        supervisor_addresses(endpoint.tenant_id),
        tenant=endpoint.tenant_id,
        kind=Dispatch.Kind.NOTICE,
        subject_key=f"{recipient_of(endpoint)}:paused:{day.isoformat()}",
        period=day,
        template="endpoint_paused",
        context={
            "endpoint": endpoint,
            "is_webhook": kind == "webhook",
            "reason": reason,
            "failures": endpoint.consecutive_failures,
            "url": admin_url(endpoint),
            "today": day,
        },
    )


@transaction.atomic
def resume(endpoint, *, now=None):
    """Deliver to ``endpoint`` again: clears the pause and the failures, and requeues its
    failed rows now (they go out in the order they were recorded). Returns how many."""
    now = now or timezone.now()
    stored(endpoint).update(paused_at=None, consecutive_failures=0, last_error="")
    endpoint.paused_at, endpoint.consecutive_failures, endpoint.last_error = None, 0, ""
    return (
        rows_of(endpoint)
        .filter(status=Dispatch.Status.FAILED)
        .update(status=Dispatch.Status.PENDING, next_attempt_at=now, claimed_at=None)
    )


ENDPOINT_MODELS = (WebhookSubscription, GroupRobot)
