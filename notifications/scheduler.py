"""Celery beat's scheduler: django-celery-beat's, which also records that beat is alive.

/healthz reads the heartbeat to tell whether reminders and digests will go out; beat
has no other trace of life that the web processes can see.

Celery's beat counts a run as done before it publishes it: a run due while the broker is
down would be skipped until its next time (tomorrow, for the reminders). This one keeps
such runs and publishes them as soon as the broker answers again.
"""

import logging
import time

from django.db import DatabaseError, InterfaceError, close_old_connections
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler
from kombu.exceptions import OperationalError as BrokerError

from .models import Heartbeat

logger = logging.getLogger(__name__)

PROCESS = "celery-beat"


def record_heartbeat(process=PROCESS):
    Heartbeat.objects.update_or_create(process=process, defaults={"beat_at": timezone.now()})


class HeartbeatScheduler(DatabaseScheduler):
    heartbeat_every = 30  # seconds; well under TRACKER_SCHEDULER_MAX_SILENCE_SECONDS
    # While runs wait for the broker, beat wakes at least this often to try again.
    unsent_retry_every = 5

    _last_heartbeat = float("-inf")

    def __init__(self, *args, **kwargs):
        self.unsent = {}  # name -> entry: due runs the broker refused
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except Exception as error:
            if not self.broker_refused(error):
                # Not the broker (a schedule that cannot be sent at all): log it and go on,
                # as beat does, rather than retry it forever ahead of the others.
                logger.exception("could not send %s (%s)", entry.name, entry.task)
                return
            logger.warning(
                "could not send %s (%s), will retry when the broker answers: %s",
                entry.name,
                entry.task,
                error,
            )
            self.unsent[entry.name] = entry

    def broker_refused(self, error):
        """Whether ``error`` is the broker being unreachable (worth trying again)."""
        refusals = (BrokerError, *self.app.connection_for_write().connection_errors)
        # beat wraps what publishing raised in a SchedulingError (as its context).
        while error is not None:
            if isinstance(error, refusals):
                return True
            error = error.__cause__ or error.__context__
        return False

    def send_unsent(self):
        """Publish the runs the broker refused, oldest first; stop at the first refusal."""
        for name, entry in list(self.unsent.items()):
            try:
                self.apply_async(entry, producer=self.producer, advance=False)
            except Exception:  # still down: try again at the next wake-up
                return
            del self.unsent[name]
            logger.info("sent %s (%s), which was due while the broker was down", name, entry.task)

    def tick(self, *args, **kwargs):
        if time.monotonic() - self._last_heartbeat >= self.heartbeat_every:
            try:
                record_heartbeat()
                self._last_heartbeat = time.monotonic()
            except (DatabaseError, InterfaceError):
                # A database outage must not stop the schedule; /healthz will say it.
                logger.exception("could not record the scheduler heartbeat")
                close_old_connections()
        self.send_unsent()
        interval = super().tick(*args, **kwargs)
        return min(interval, self.unsent_retry_every) if self.unsent else interval
