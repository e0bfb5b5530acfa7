"""The dispatch log's state changes: queue an email once, deliver it once, retry failures.

Delivery claims a row with one UPDATE that only one process can win, so two workers,
a retried task or a re-run never send the same email twice. A failed send keeps its
error and is retried with backoff until it is sent, or a newer email of the same kind,
about the same thing, to the same recipient supersedes it, or its time is over
(``WORTH_SENDING_DAYS``): a day missed is caught up by the next day's email, once.
"""

import datetime
import logging
import time
from collections import Counter

from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as database
from django.db.models import Max, Q
from django.utils import timezone

from regions.tenancy import default_tenant_id

from . import outcomes
from .channels import CHANNELS, EmailChannel  # noqa: F401  (CHANNELS: the fault tests read it here)
from .claims import (  # noqa: F401  (the tests and the admin read these here)
    BATCH,
    claim,
    claim_lease,
    claim_rows,
    claimable,
    due_rows,
)
from .models import Dispatch
from .outcomes import mark_failed  # noqa: F401

logger = logging.getLogger(__name__)

# Minutes to wait before the next attempt, by the number of attempts made so far.
BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360]

# How many days after its period an email is still worth sending. A reminder and the
# leadership's summary describe their day, a digest its week: after that the next one says
# all it would, so one not sent in time (SMTP down all day, the worker dead) is superseded
# rather than sent on top of the next. A rung of the escalation ladder is told once, on
# whatever day its item reaches it; its period is the item's deadline, so its days count
# from the day it was planned for (``Dispatch.worth_until``, set when it is queued).
# A notice (a problem handed to a department) is told once, whenever its step happened,
# and nothing later repeats it: it is worth sending for a week after the step.
# A kind missing here is never out of date; notifications/tests/test_catch_up.py asks for it.
WORTH_SENDING_DAYS = {
    Dispatch.Kind.REMINDER: 0,
    Dispatch.Kind.RUNG: 3,
    Dispatch.Kind.ESCALATION: 0,
    Dispatch.Kind.HEADS_UP: 0,
    Dispatch.Kind.DIGEST: 6,
    Dispatch.Kind.NOTICE: 7,
    Dispatch.Kind.BULLETIN: 7,
}

# Kinds no plan queues any more (the ladder replaced the heads-up); the log keeps naming
# their old rows.
RETIRED_KINDS = {Dispatch.Kind.HEADS_UP}


def worth_until(kind, planned_for):
    """The last day an email of ``kind`` planned for ``planned_for`` is worth sending."""
    return planned_for + datetime.timedelta(days=WORTH_SENDING_DAYS[kind])


def backoff(attempts):
    return datetime.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def queue(
    *,
    kind,
    subject_key,
    recipients,
    period,
    subject,
    body_text,
    body_html="",
    until=None,
    tenant=None,
):
    """Record one email to each recipient; returns their dispatches, old and new alike.

    Queuing again is a no-op: the unique key (city, kind, subject, recipient, period)
    keeps the row that is already there, whoever queued it, even at the same moment.
    ``until``: the last day it is worth sending, when that is not counted from its
    period. ``tenant``: the city it is of (default: the city acted for, else the home city).
    """
    key = {
        "tenant_id": tenant or default_tenant_id(),
        "kind": kind,
        "subject_key": subject_key,
        "period": period,
    }
    Dispatch.objects.bulk_create(
        [
            Dispatch(
                **key,
                recipient=recipient,
                subject=subject[:255],
                body_text=body_text,
                body_html=body_html,
                worth_until=until,
            )
            for recipient in recipients
        ],
        ignore_conflicts=True,
    )
    found = {d.recipient: d for d in Dispatch.objects.filter(**key, recipient__in=recipients)}
    return [found[recipient] for recipient in recipients]


def superseded_among(dispatches):
    """The ids of those for which a newer email of the same kind, about the same thing,
    to the same recipient has been queued since, by the same city: it says all they
    would, and more (another city's "city" digest to the same address says nothing of
    this one's)."""
    newest = {
        (row["tenant_id"], row["kind"], row["subject_key"], row["recipient"]): row["latest"]
        for row in Dispatch.objects.filter(
            tenant_id__in={d.tenant_id for d in dispatches},
            kind__in={d.kind for d in dispatches},
            subject_key__in={d.subject_key for d in dispatches},
            recipient__in={d.recipient for d in dispatches},
        )
        .values("tenant_id", "kind", "subject_key", "recipient")
        .annotate(latest=Max("period"))
    }
    return {
        d.pk
        for d in dispatches
        if newest[(d.tenant_id, d.kind, d.subject_key, d.recipient)] > d.period
    }


def out_of_date(dispatches, as_of):
    """The ids of those whose time was over on ``as_of`` and that were queued before it:
    the next one says all they would. One queued (or requeued) on ``as_of`` goes out
    whatever its period, since someone asked for it that day (a run with ``--date``, a
    resend), unless a newer one of the same kind has been queued (``superseded_among``)."""
    return {
        d.pk
        for d in dispatches
        if (last_day := last_worth_day(d)) is not None
        and last_day < as_of
        and timezone.localdate(d.requeued_at or d.created_at) < as_of
    }


def last_worth_day(dispatch):
    if dispatch.worth_until is not None:
        return dispatch.worth_until
    days = WORTH_SENDING_DAYS.get(dispatch.kind)
    return None if days is None else dispatch.period + datetime.timedelta(days=days)


def deliver_batch(batch, channel, *, now, as_of, counts, clock=None):
    """Send a claimed batch. Returns False when the mail server is down: the batch's
    unsent emails are then marked failed with its error, without waiting on it for each.
    An endpoint that is down (or paused) stops only its own rows (``outcomes``).

    ``clock`` tells the run's time as it passes (default: ``now`` throughout). A batch that
    takes longer than a third of the claim lease renews the claim on what it has yet to
    send, so that no other worker takes those rows as abandoned while this one sends.
    """
    clock = clock or (lambda: now)
    stale = superseded_among(batch) | out_of_date(batch, as_of)
    if stale:
        Dispatch.objects.filter(pk__in=stale).update(status=Dispatch.Status.SUPERSEDED)
        counts[Dispatch.Status.SUPERSEDED] += len(stale)
    todo = [dispatch for dispatch in batch if dispatch.pk not in stale]
    claimed_at = now
    stopped = set()  # endpoints whose remaining rows of the batch are settled
    for index, dispatch in enumerate(todo):
        key = outcomes.endpoint_key(dispatch)
        if key in stopped:
            continue
        error = channel.send(dispatch)
        if error is None:
            record_sent(dispatch)
            outcomes.sent(dispatch)
            counts[Dispatch.Status.SENT] += 1
            if clock() - claimed_at > claim_lease() / 3:
                claimed_at = renew_claims(todo[index + 1 :], clock())
            continue
        rest = [d for d in todo[index + 1 :] if outcomes.endpoint_key(d) == key]
        if outcomes.not_sent(dispatch, error, rest, channel, now=clock(), counts=counts):
            if key == (None, None) and channel.is_outage(error):
                return False  # the mail server is down: nothing more this run
            stopped.add(key)
    return True


def renew_claims(dispatches, at):
    Dispatch.objects.filter(
        pk__in=[dispatch.pk for dispatch in dispatches], status=Dispatch.Status.SENDING
    ).update(claimed_at=at)
    return at


def record_sent(dispatch):
    """Mark a sent dispatch as sent, waiting out a lost database connection.

    It has left: were the mark lost, the claim would lapse and another worker would send
    it again, and the rest of the batch would wait for the lease too. So the mark is tried
    again for up to half the claim lease, while nobody else may take the row.
    """
    deadline = time.monotonic() + claim_lease().total_seconds() / 2
    delay = 0.5
    while True:
        try:
            Dispatch.objects.filter(pk=dispatch.pk).update(
                status=Dispatch.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            return
        except (OperationalError, InterfaceError) as error:
            if time.monotonic() + delay > deadline:
                raise
            logger.warning(
                "dispatch %s was sent but cannot be recorded yet, retrying in %s s: %s",
                dispatch.pk,
                delay,
                " ".join(str(error).split()),
            )
            database.close()  # the next try reconnects
            time.sleep(delay)
            delay = min(delay * 2, 10)


def deliver_due(*, now=None, as_of=None, channel=None):
    """Deliver every queued or failed row whose time has come, channel by channel (all of
    ``CHANNELS``, or the one named): each run claims only its own channel's rows, so that
    one channel's outage never delays another. Returns counts by status.

    Rows are claimed a batch at a time (a claim is a few queries, not a few per row).
    An email whose time is over on ``as_of`` (default: today) is superseded, not sent
    (``WORTH_SENDING_DAYS``). When the mail server is down or stalls, the email run stops
    after one ``EMAIL_TIMEOUT``: the rest of the batch is marked failed and nothing more
    claimed; an endpoint that is down stops only its own rows.
    """
    now = now or timezone.now()
    as_of = as_of or timezone.localdate(now)
    counts = Counter()
    names = sorted(CHANNELS) if channel is None else [getattr(channel, "name", channel)]
    for name in names:
        instance = channel if channel is not None and not isinstance(channel, str) else None
        deliver_channel(instance or CHANNELS[name](), now=now, as_of=as_of, counts=counts)
    return dict(counts)


def deliver_channel(channel, *, now, as_of, counts):
    started = time.monotonic()

    def clock():
        # The run's time: ``now`` at its start, then as much later as it has taken, so that
        # each batch is claimed at the time it really is (a long run's later batches must
        # not look abandoned to other workers the moment they are claimed).
        return now + datetime.timedelta(seconds=time.monotonic() - started)

    claimed = now
    try:
        while batch := claim_rows(due_rows(claimed, channel.name), claimed, channel.name):
            if not deliver_batch(
                batch, channel, now=claimed, as_of=as_of, counts=counts, clock=clock
            ):
                break
            claimed = clock()
    finally:
        channel.close()


@transaction.atomic
def resend(dispatches):
    """Send these again at the next delivery (the admin's resend action).

    A row being sent right now (a live claim) is left to its worker: releasing it would let
    a second worker send it too."""
    now = timezone.now()
    being_sent = Q(status=Dispatch.Status.SENDING, claimed_at__gte=now - claim_lease())
    return (
        Dispatch.objects.filter(pk__in=[d.pk for d in dispatches])
        .exclude(being_sent)
        .update(
            status=Dispatch.Status.PENDING, next_attempt_at=now, claimed_at=None, requeued_at=now
        )
    )
