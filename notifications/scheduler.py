"""Celery beat's scheduler: django-celery-beat's, which also records that beat is alive.

/healthz reads the heartbeat to tell whether reminders and digests will go out; beat
has no other trace of life that the web processes can see.

Celery's beat counts a run as done before it publishes it: a run due while the broker is
down would be skipped until its next time (tomorrow, for the reminders). This one keeps
such runs and publishes them as soon as the broker answers again.
"""

import logging
import time

from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

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
        except Exception as error:  # whatever the broker raised, the run must not be lost
            logger.warning(
                "could not send %s (%s), will retry when the broker answers: %s",
                entry.name,
                entry.task,
                error,
            )
            self.unsent[entry.name] = entry

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
            except DatabaseError:
                # A database outage must not stop the schedule; /healthz will say it.
                logger.exception("could not record the scheduler heartbeat")
                close_old_connections()
        self.send_unsent()
        interval = super().tick(*args, **kwargs)
        return min(interval, self.unsent_retry_every) if self.unsent else interval
