"""What becomes of a claimed row that was not sent, and of its endpoint.

A channel's ``send`` returns None (sent), ``Defer`` (try again later, not counted),
``Disable`` (the endpoint refuses us for good: paused at once) or any other error:

- an outage (``channel.is_outage``): the rest of the batch for the same endpoint (for
  email: the whole rest of the batch) is failed with the same error, without waiting on
  it for each; other endpoints go on;
- anything else fails this row alone.

Every failure is retried after its backoff. For an endpoint each failed attempt (an
outage counts once) adds one to its failures in a row, and pauses it at
``TRACKER_ENDPOINT_PAUSE_AFTER`` (``endpoints.note_failure``); a success resets them.
When an endpoint stops for the batch (paused, or an ordered channel's row not sent) its
remaining rows are released untried: they wait, in order, for the next run or a resume.
"""

import logging

from . import endpoints
from .channels import Defer, Disable
from .claims import release
from .models import Dispatch

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


def endpoint_of(dispatch):
    return dispatch.subscription or dispatch.robot


def endpoint_key(dispatch):
    """Rows with the same key stop together: one endpoint's, or all of email's."""
    return (dispatch.subscription_id, dispatch.robot_id)


def backoff_after(dispatch, now):
    from .dispatch import backoff

    return now + backoff(dispatch.attempts)


def mark_failed(dispatches, error, *, now, channel):
    """Record the error; each is tried again after its backoff. Returns the text."""
    text = channel.describe(error)[:ERROR_MAX_LENGTH]
    first = dispatches[0]
    logger.warning(  # one line for a run that found the server down, not one per row
        "%d dispatch(es) failed, first %s to %s: %s",
        len(dispatches),
        first.pk,
        first.recipient,
        text,
    )
    for dispatch in dispatches:
        Dispatch.objects.filter(pk=dispatch.pk).update(
            status=Dispatch.Status.FAILED,
            last_error=text,
            next_attempt_at=backoff_after(dispatch, now),
        )
    return text


def defer(dispatch, until, reason):
    """Pending again at ``until``; the attempt is not counted."""
    Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.SENDING).update(
        status=Dispatch.Status.PENDING,
        claimed_at=None,
        next_attempt_at=until,
        attempts=max(dispatch.attempts - 1, 0),
        last_error=reason[:ERROR_MAX_LENGTH],
    )


def sent(dispatch):
    # Asked of the database, not of the row's copy of its endpoint: a failure earlier in
    # the same batch was counted on another copy (one UPDATE that matches nothing when
    # there was none).
    endpoint = endpoint_of(dispatch)
    if endpoint is not None:
        endpoints.note_success(endpoint)


def not_sent(dispatch, error, rest, channel, *, now, counts):
    """Settle a row ``send`` did not deliver. ``rest``: the batch's remaining rows of the
    same endpoint (for email, the whole rest). Returns True when those are settled too
    (failed with it, or released), False when they are still to be sent."""
    endpoint = endpoint_of(dispatch)
    ordered = getattr(channel, "ordered", False)
    if isinstance(error, Defer):
        defer(dispatch, error.until, error.reason or str(error))
        counts[Dispatch.Status.PENDING] += 1
        return ordered and give_back(rest, counts)
    if isinstance(error, Disable):
        text = mark_failed([dispatch], error, now=now, channel=channel)
        counts[Dispatch.Status.FAILED] += 1
        if endpoint is not None:
            endpoints.pause(endpoint, text, now=now)
        return give_back(rest, counts)
    if channel.is_outage(error):
        text = mark_failed([dispatch, *rest], error, now=now, channel=channel)
        counts[Dispatch.Status.FAILED] += 1 + len(rest)
        if endpoint is not None:
            endpoints.note_failure(endpoint, text, now=now)
        return True
    text = mark_failed([dispatch], error, now=now, channel=channel)
    counts[Dispatch.Status.FAILED] += 1
    paused = endpoint is not None and endpoints.note_failure(endpoint, text, now=now)
    if paused or ordered:
        return give_back(rest, counts)
    channel.open()  # a fresh connection for the next one
    return False


def give_back(rest, counts):
    released = release(rest)
    if released:
        counts[Dispatch.Status.PENDING] += released
    return True
