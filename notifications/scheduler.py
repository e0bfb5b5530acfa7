"""Celery beat's scheduler: django-celery-beat's, which also records that beat is alive.

/healthz reads the heartbeat to tell whether reminders and digests will go out; beat
has no other trace of life that the web processes can see.
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

    _last_heartbeat = float("-inf")

    def tick(self, *args, **kwargs):
        if time.monotonic() - self._last_heartbeat >= self.heartbeat_every:
            try:
                record_heartbeat()
                self._last_heartbeat = time.monotonic()
            except DatabaseError:
                # A database outage must not stop the schedule; /healthz will say it.
                logger.exception("could not record the scheduler heartbeat")
                close_old_connections()
        return super().tick(*args, **kwargs)
