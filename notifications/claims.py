"""Claiming rows of the dispatch log for delivery, one channel at a time.

A claim is one UPDATE that only one process can win, so two workers, a retried task or a
re-run never send the same row twice. A channel's run claims only its own rows, so an
SMTP outage never delays webhooks or robots, and the other way round.

Endpoint channels (webhooks, robots) claim only rows of endpoints that are active and not
paused, and lock those endpoints' rows while claiming (skipping any another worker holds).
An ordered channel (webhooks) claims a row only when every older unsent row of its
endpoint is claimable now too, so that it is claimed in the same batch, before it: an
older row waiting for its retry, or being sent by another worker, holds back the newer
ones. That is first-in first-out per subscription, which keeps the order per object.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .models import Dispatch, GroupRobot, WebhookSubscription

BATCH = 200

UNSENT = [Dispatch.Status.PENDING, Dispatch.Status.FAILED, Dispatch.Status.SENDING]

# The foreign key and model of each endpoint channel's endpoint.
ENDPOINTS = {
    "webhook": ("subscription", WebhookSubscription),
    "wecom": ("robot", GroupRobot),
    "dingtalk": ("robot", GroupRobot),
}


def claim_lease():
    """A claim older than this belongs to a worker that died while sending."""
    return datetime.timedelta(seconds=settings.TRACKER_DISPATCH_CLAIM_SECONDS)


def claimable(now):
    return Q(
        status__in=[Dispatch.Status.PENDING, Dispatch.Status.FAILED], next_attempt_at__lte=now
    ) | Q(status=Dispatch.Status.SENDING, claimed_at__lt=now - claim_lease())


def endpoint_field(channel):
    return ENDPOINTS[channel][0] if channel in ENDPOINTS else None


def is_ordered(channel):
    """Whether the channel's rows go out first in, first out per endpoint."""
    from .channels import CHANNELS

    return bool(getattr(CHANNELS.get(channel), "ordered", False))


def open_endpoint(field):
    return Q(**{f"{field}__is_active": True, f"{field}__paused_at__isnull": True})


def first_in_line(field, now):
    """No older unsent row of the same endpoint that is not claimable now."""
    older = (
        Dispatch.objects.filter(**{field: OuterRef(field)}, status__in=UNSENT)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .exclude(claimable(now))
    )
    return ~Exists(older)


def due_rows(now, channel="email"):
    """The channel's rows whose time has come, oldest first, a batch at most."""
    rows = Dispatch.objects.filter(claimable(now), channel=channel)
    field = endpoint_field(channel)
    if field is not None:
        rows = rows.filter(open_endpoint(field))
        if is_ordered(channel):
            rows = rows.filter(first_in_line(field, now))
    return Dispatch.objects.filter(pk__in=rows.order_by("created_at", "pk").values("pk")[:BATCH])


def claim(dispatch_id, now):
    """Take one row for sending; True for the one process that wins it."""
    channel = Dispatch.objects.filter(pk=dispatch_id).values_list("channel", flat=True).first()
    if channel is None:
        return False
    return bool(claim_rows(Dispatch.objects.filter(pk=dispatch_id), now, channel=channel))


def claim_rows(candidates, now, channel="email"):
    """Take the claimable rows among ``candidates``; returns the ones this process won,
    oldest first, with their endpoint loaded.

    The UPDATE only touches rows still claimable, so of two processes only one wins a
    row (on PostgreSQL the first also skips rows the other has locked, and neither waits).
    For an endpoint channel the endpoints are locked first, and the candidates read again
    once they are: another worker's claim on the same endpoint, committed meanwhile, is
    then seen (first in line), and one still under way makes this one skip the endpoint.
    """
    claimed_at = timezone.now() if now is None else now
    field = endpoint_field(channel)
    with transaction.atomic():
        if field is not None:
            model = ENDPOINTS[channel][1]
            wanted = candidates.filter(channel=channel).values(f"{field}_id")
            locked = list(
                model.objects.filter(pk__in=wanted, is_active=True, paused_at__isnull=True)
                .order_by("pk")  # a model's ordering may join (a robot's department)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)
            )
            candidates = candidates.filter(**{f"{field}_id__in": locked})
        ids = list(
            candidates.filter(claimable(claimed_at))
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        won = Dispatch.objects.filter(claimable(claimed_at), pk__in=ids).update(
            status=Dispatch.Status.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
        )
        if not won:
            return []
        return list(
            Dispatch.objects.filter(
                pk__in=ids, status=Dispatch.Status.SENDING, claimed_at=claimed_at
            )
            .select_related("subscription", "robot")
            .order_by("created_at", "pk")
        )


def release(dispatches):
    """Give claimed rows back untried: pending again, the attempt not counted (the rows
    of an endpoint that stopped in the middle of a batch)."""
    if not dispatches:
        return 0
    return Dispatch.objects.filter(
        pk__in=[d.pk for d in dispatches], status=Dispatch.Status.SENDING
    ).update(
        status=Dispatch.Status.PENDING,
        claimed_at=None,
        attempts=F("attempts") - 1,
    )
