"""The scheduler's health check (listed in ``settings.TRACKER_HEALTH_CHECKS``): has celery
beat ticked lately? If not, no reminder or digest goes out."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import Heartbeat
from .scheduler import PROCESS


def check_scheduler():
    beat_at = Heartbeat.objects.filter(process=PROCESS).values_list("beat_at", flat=True).first()
    if beat_at is None:
        raise RuntimeError("celery beat has never run")
    silence = timezone.now() - beat_at
    limit = datetime.timedelta(seconds=settings.TRACKER_SCHEDULER_MAX_SILENCE_SECONDS)
    if silence > limit:
        raise RuntimeError(f"celery beat last seen {int(silence.total_seconds())} s ago")
    return f"ok (last seen {int(silence.total_seconds())} s ago)"
