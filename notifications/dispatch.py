"""The dispatch log's state changes: queue an email once, deliver it once, retry failures.

Delivery claims a row with one UPDATE that only one process can win, so two workers,
a retried task or a re-run never send the same email twice. A failed send keeps its
error and is retried with backoff until it is sent or a newer email of the same kind,
about the same thing, to the same recipient supersedes it.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Max, Q
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


def queue(*, kind, subject_key, recipients, period, subject, body_text, body_html=""):
    """Record one email to each recipient; returns their dispatches, old and new alike.

    Queuing again is a no-op: the unique key (kind, subject, recipient, period) keeps
    the row that is already there, whoever queued it, even at the same moment.
    """
    key = {"kind": kind, "subject_key": subject_key, "period": period}
    Dispatch.objects.bulk_create(
        [
            Dispatch(
                **key,
                recipient=recipient,
                subject=subject[:255],
                body_text=body_text,
                body_html=body_html,
            )
            for recipient in recipients
        ],
        ignore_conflicts=True,
    )
    found = {d.recipient: d for d in Dispatch.objects.filter(**key, recipient__in=recipients)}
    return [found[recipient] for recipient in recipients]


def claimable(now):
    return Q(
        status__in=[Dispatch.Status.PENDING, Dispatch.Status.FAILED], next_attempt_at__lte=now
    ) | Q(status=Dispatch.Status.SENDING, claimed_at__lt=now - claim_lease())


def claim(dispatch_id, now):
    """Take one row for sending; True for the one process that wins it."""
    return bool(claim_rows(Dispatch.objects.filter(pk=dispatch_id), now))


def claim_rows(candidates, now):
    """Take the claimable rows among ``candidates``; returns the ones this process won.

    The UPDATE only touches rows still claimable, so of two processes only one wins a
    row (on PostgreSQL the first also skips rows the other has locked, and neither waits).
    """
    claimed_at = timezone.now() if now is None else now
    with transaction.atomic():
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
            ).order_by("created_at")
        )


def superseded_among(dispatches):
    """The ids of those for which a newer email of the same kind, about the same thing,
    to the same recipient has been queued since: it says all they would, and more."""
    newest = {
        (row["kind"], row["subject_key"], row["recipient"]): row["latest"]
        for row in Dispatch.objects.filter(
            kind__in={d.kind for d in dispatches},
            subject_key__in={d.subject_key for d in dispatches},
            recipient__in={d.recipient for d in dispatches},
        )
        .values("kind", "subject_key", "recipient")
        .annotate(latest=Max("period"))
    }
    return {d.pk for d in dispatches if newest[(d.kind, d.subject_key, d.recipient)] > d.period}


def send(dispatch, *, now, connection):
    """Send one claimed email; records and returns how it went."""
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


BATCH = 200


def deliver_due(*, now=None):
    """Deliver every queued or failed email whose time has come. Returns counts by status.

    Rows are claimed a batch at a time (a claim is a few queries, not a few per email),
    and one SMTP connection serves the whole run (a new one per email costs more than
    the email); after a failure it is reopened, so one bad send does not fail the rest.
    """
    now = now or timezone.now()
    counts = {}
    connection = get_connection()
    reopen(connection)
    try:
        while True:
            due = Dispatch.objects.filter(
                pk__in=Dispatch.objects.filter(claimable(now))
                .order_by("created_at")
                .values("pk")[:BATCH]
            )
            batch = claim_rows(due, now)
            if not batch:
                break
            stale = superseded_among(batch)
            if stale:
                Dispatch.objects.filter(pk__in=stale).update(status=Dispatch.Status.SUPERSEDED)
            for dispatch in batch:
                if dispatch.pk in stale:
                    status = Dispatch.Status.SUPERSEDED
                else:
                    status = send(dispatch, now=now, connection=connection)
                    if status == Dispatch.Status.FAILED:
                        reopen(connection)
                counts[status] = counts.get(status, 0) + 1
    finally:
        connection.close()
    return counts


def reopen(connection):
    connection.close()
    try:
        connection.open()
    except Exception as error:  # the next send records the error on its own dispatch
        logger.warning("could not connect to the mail server: %s", error)


@transaction.atomic
def resend(dispatches):
    """Send these again at the next delivery (the admin's resend action)."""
    return Dispatch.objects.filter(pk__in=[d.pk for d in dispatches]).update(
        status=Dispatch.Status.PENDING, next_attempt_at=timezone.now(), claimed_at=None
    )
