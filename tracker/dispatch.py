"""The dispatch log's state changes: queue an email once, deliver it once, retry failures.

Delivery claims a row with one UPDATE that only one process can win, so two workers,
a retried task or a re-run never send the same email twice. A failed send keeps its
error and is retried with backoff until it is sent or a newer email of the same kind,
about the same thing, to the same recipient supersedes it.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Dispatch

logger = logging.getLogger(__name__)

# Minutes to wait before the next attempt, by the number of attempts made so far.
BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360]


def claim_lease():
    """A claim older than this belongs to a worker that died while sending."""
    return datetime.timedelta(seconds=settings.TRACKER_DISPATCH_CLAIM_SECONDS)


def backoff(attempts):
    return datetime.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def queue(*, kind, subject_key, recipient, period, subject, body_text, body_html=""):
    """Record an email to send; returns (dispatch, created). Queuing it again is a no-op."""
    key = {"kind": kind, "subject_key": subject_key, "recipient": recipient, "period": period}
    existing = Dispatch.objects.filter(**key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Dispatch.objects.create(
                **key, subject=subject[:255], body_text=body_text, body_html=body_html
            ), True
    except IntegrityError:  # another process queued it at the same moment
        return Dispatch.objects.get(**key), False


def claimable(now):
    return Q(
        status__in=[Dispatch.Status.PENDING, Dispatch.Status.FAILED], next_attempt_at__lte=now
    ) | Q(status=Dispatch.Status.SENDING, claimed_at__lt=now - claim_lease())


def claim(dispatch_id, now):
    """Take a row for sending; True for the one process that wins it."""
    return bool(
        Dispatch.objects.filter(claimable(now), pk=dispatch_id).update(
            status=Dispatch.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def superseded(dispatch):
    return Dispatch.objects.filter(
        kind=dispatch.kind,
        subject_key=dispatch.subject_key,
        recipient=dispatch.recipient,
        period__gt=dispatch.period,
    ).exists()


def deliver(dispatch_id, *, now=None, connection=None):
    """Send one queued email if this process wins it. Returns its status afterwards."""
    now = now or timezone.now()
    if not claim(dispatch_id, now):
        return Dispatch.objects.values_list("status", flat=True).get(pk=dispatch_id)
    dispatch = Dispatch.objects.get(pk=dispatch_id)
    if superseded(dispatch):
        Dispatch.objects.filter(pk=dispatch.pk).update(status=Dispatch.Status.SUPERSEDED)
        return Dispatch.Status.SUPERSEDED
    message = EmailMultiAlternatives(
        subject=dispatch.subject,
        body=dispatch.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[dispatch.recipient],
        connection=connection,
        headers={"X-Tracker-Dispatch": str(dispatch.pk)},
    )
    if dispatch.body_html:
        message.attach_alternative(dispatch.body_html, "text/html")
    try:
        message.send()
    except Exception as error:  # SMTP down, address refused, ...: keep it and retry
        logger.warning("dispatch %s to %s failed: %s", dispatch.pk, dispatch.recipient, error)
        Dispatch.objects.filter(pk=dispatch.pk).update(
            status=Dispatch.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=now + backoff(dispatch.attempts),
        )
        return Dispatch.Status.FAILED
    Dispatch.objects.filter(pk=dispatch.pk).update(
        status=Dispatch.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return Dispatch.Status.SENT


def deliver_due(*, now=None):
    """Deliver every queued or failed email whose time has come. Returns counts by status."""
    now = now or timezone.now()
    counts = {}
    due = (
        Dispatch.objects.filter(claimable(now)).order_by("created_at").values_list("pk", flat=True)
    )
    for dispatch_id in due.iterator():
        status = deliver(dispatch_id, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts


@transaction.atomic
def resend(dispatches):
    """Send these again at the next delivery (the admin's resend action)."""
    return Dispatch.objects.filter(pk__in=[d.pk for d in dispatches]).update(
        status=Dispatch.Status.PENDING, next_attempt_at=timezone.now(), claimed_at=None
    )
