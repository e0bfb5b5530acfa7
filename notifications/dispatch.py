"""The dispatch log's state changes: queue an email once, deliver it once, retry failures.

Delivery claims a row with one UPDATE that only one process can win, so two workers,
a retried task or a re-run never send the same email twice. A failed send keeps its
error and is retried with backoff until it is sent, or a newer email of the same kind,
about the same thing, to the same recipient supersedes it, or its time is over
(``WORTH_SENDING_DAYS``): a day missed is caught up by the next day's email, once.
"""

import contextlib
import contextvars
import datetime
import logging
import time
from collections import Counter

from django.db import transaction
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
    is_ordered,
)
from .marks import MARK_EVERY, SentMarks, record_sent, renew_claims  # noqa: F401
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
    rows = [
        Dispatch(
            **key,
            recipient=recipient,
            subject=subject[:255],
            body_text=body_text,
            body_html=body_html,
            worth_until=until,
        )
        for recipient in recipients
    ]
    pending = _one_insert.get()
    if pending is not None:
        pending.extend(rows)  # inserted with the rest of the run's (``one_insert``)
        return rows
    return insert(rows)


# The rows ``queue`` collects inside ``one_insert`` (None outside).
_one_insert = contextvars.ContextVar("one_insert", default=None)


class OneInsert:
    """What ``one_insert`` yields: ``rows``, once the block is over, the rows queued in it
    as stored (old and new alike), in the order queued."""

    rows = None


@contextlib.contextmanager
def one_insert():
    """Queue every email of the block with one bulk insert and one select per (city, kind,
    period) at its end, instead of two statements per ``queue`` (a city's digests: 300
    departments, 600 statements). Inside the block ``queue`` returns the rows unsaved."""
    pending = []
    token = _one_insert.set(pending)
    result = OneInsert()
    try:
        yield result
    finally:
        _one_insert.reset(token)
    result.rows = insert(pending)  # not reached when the block failed: nothing queued


def insert(rows):
    """Store ``rows`` (unsaved dispatches) unless their key is already in the log; returns
    the stored rows of those keys, in order."""
    if not rows:
        return []
    Dispatch.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    found = {}
    groups = {}
    for row in rows:
        groups.setdefault((row.tenant_id, row.kind, row.period), set()).add(row.subject_key)
    for (tenant, kind, period), subject_keys in groups.items():
        stored = Dispatch.objects.filter(
            tenant_id=tenant,
            kind=kind,
            period=period,
            subject_key__in=subject_keys,
            recipient__in={row.recipient for row in rows},
        )
        found.update({unique_key(d): d for d in stored})
    return [found[unique_key(row)] for row in rows]


def unique_key(row):
    return (row.tenant_id, row.kind, row.subject_key, row.recipient, row.period)


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
    Sent rows are marked every ``MARK_EVERY`` sends and when the batch ends, however it ends.
    """
    clock = clock or (lambda: now)
    stale = superseded_among(batch) | out_of_date(batch, as_of)
    if stale:
        Dispatch.objects.filter(pk__in=stale).update(status=Dispatch.Status.SUPERSEDED)
        counts[Dispatch.Status.SUPERSEDED] += len(stale)
    todo = [dispatch for dispatch in batch if dispatch.pk not in stale]
    claimed_at = now
    stopped = set()  # endpoints whose remaining rows of the batch are settled
    marks = SentMarks()
    try:
        for index, dispatch in enumerate(todo):
            key = outcomes.endpoint_key(dispatch)
            if key in stopped:
                continue
            error = channel.send(dispatch)
            if error is None:
                marks.add(dispatch)
                outcomes.sent(dispatch)
                counts[Dispatch.Status.SENT] += 1
                if clock() - claimed_at > claim_lease() / 3:
                    marks.flush()  # before renewing: a sent row must not look unsent
                    claimed_at = renew_claims(todo[index + 1 :], clock())
                continue
            marks.flush()  # the outcome's statements come after the sent marks
            rest = [d for d in todo[index + 1 :] if outcomes.endpoint_key(d) == key]
            if outcomes.not_sent(dispatch, error, rest, channel, now=clock(), counts=counts):
                if key == (None, None) and channel.is_outage(error):
                    return False  # the mail server is down: nothing more this run
                stopped.add(key)
        return True
    finally:
        marks.flush()


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


def run_clock(now):
    """The run's time: ``now`` at its start, then as much later as it has taken, so that
    each batch is claimed at the time it really is (a long run's later batches must not
    look abandoned to other workers the moment they are claimed)."""
    started = time.monotonic()
    return lambda: now + datetime.timedelta(seconds=time.monotonic() - started)


def deliver_channel(channel, *, now, as_of, counts):
    clock = run_clock(now)
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


def deliver_ids(ids, *, now=None, as_of=None):
    """Deliver exactly these rows (a fan-out batch, ``tasks.deliver_batch``): each channel's
    among them claimed with the usual claim (``claim_rows``), so a batch delivered twice, or
    rows a ``deliver_due`` run took first, are never sent twice. Ordered channels
    (webhooks) are left to ``deliver_due``, which keeps their order. Returns counts by
    status."""
    now = now or timezone.now()
    as_of = as_of or timezone.localdate(now)
    counts = Counter()
    rows = Dispatch.objects.filter(pk__in=list(ids))
    for name in sorted(set(rows.values_list("channel", flat=True))):
        if is_ordered(name):
            continue
        channel = CHANNELS[name]()
        clock = run_clock(now)
        try:
            batch = claim_rows(rows.filter(channel=name), now, name)
            if batch:
                deliver_batch(batch, channel, now=now, as_of=as_of, counts=counts, clock=clock)
        finally:
            channel.close()
    return dict(counts)


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
