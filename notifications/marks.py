"""Sent marks of the dispatch log: which claimed rows have left, recorded a few at a time
and waiting out a lost database connection (a sent row must never look unsent)."""

import logging
import time

from django.db import InterfaceError, OperationalError
from django.db import connection as database
from django.utils import timezone

from .claims import claim_lease
from .models import Dispatch

logger = logging.getLogger(__name__)

# Sent rows are marked a few at a time (one UPDATE per MARK_EVERY sends and one at the end
# of a batch), not one UPDATE per email: at 900 digests that is 90 statements, not 900.
# The price: a worker killed between a send and its mark leaves at most MARK_EVERY - 1 sent
# rows claimed and unmarked, which another worker sends again once the claim lease has run
# out (one at most with a mark per send).
MARK_EVERY = 10


class SentMarks:
    """Sent rows waiting for their mark; ``flush`` records them in one UPDATE."""

    def __init__(self, every=MARK_EVERY):
        self.every, self.pending = every, []

    def add(self, dispatch):
        self.pending.append(dispatch)
        if len(self.pending) >= self.every:
            self.flush()

    def flush(self):
        if self.pending:
            record_sent(*self.pending)
            self.pending = []


def renew_claims(dispatches, at):
    Dispatch.objects.filter(
        pk__in=[dispatch.pk for dispatch in dispatches], status=Dispatch.Status.SENDING
    ).update(claimed_at=at)
    return at


def record_sent(*dispatches):
    """Mark sent dispatches as sent (one UPDATE), waiting out a lost database connection.

    They have left: were the mark lost, the claim would lapse and another worker would send
    them again, and the rest of the batch would wait for the lease too. So the mark is tried
    again for up to half the claim lease, while nobody else may take the rows.
    """
    deadline = time.monotonic() + claim_lease().total_seconds() / 2
    delay = 0.5
    ids = [dispatch.pk for dispatch in dispatches]
    while True:
        try:
            Dispatch.objects.filter(pk__in=ids).update(
                status=Dispatch.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            return
        except (OperationalError, InterfaceError) as error:
            if time.monotonic() + delay > deadline:
                raise
            logger.warning(
                "dispatches %s were sent but cannot be recorded yet, retrying in %s s: %s",
                ids,
                delay,
                " ".join(str(error).split()),
            )
            database.close()  # the next try reconnects
            time.sleep(delay)
            delay = min(delay * 2, 10)
