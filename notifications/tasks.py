"""Celery tasks: thin wrappers around notifications.services and notifications.dispatch.

Each may run late, twice or on two workers at once: the dispatch log's unique keys
and claims make every email go out once.

The registered names stay "tracker.…" although the tasks moved here: django-celery-beat
stores a schedule's task by name in the database (PeriodicTask.task, installed by
tracker/migrations/0006_schedules.py and editable by supervisors), and queued messages
carry it too, so a new name would silently stop the schedules.
"""

import datetime

from celery import group, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import dispatch, services

# A task whose database connection was lost (PostgreSQL restarted, failed over, a pooler
# dropped it) is run again later, until the database answers: after 5 s, 10 s, 20 s ... then
# every 5 minutes at most (with full jitter: a random wait up to that). Giving up would lose
# the day's plan (beat has already counted the run as done) or the week's digests. Re-running
# is safe: planning finds its rows already queued, and a claimed email is never claimed
# again while its lease runs (dispatch.claimable), so the retry sends only what was not
# sent. Celery's Django fixup closes the broken connection after the failed run, so the
# retry reconnects.
RETRY_ON_LOST_DATABASE = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": None,
}


def as_of(date):
    return datetime.date.fromisoformat(date) if date else timezone.localdate()


def summary(queued, delivered):
    return {"queued": len(queued), "delivered": {str(k): v for k, v in delivered.items()}}


@shared_task(name="tracker.send_reminders", **RETRY_ON_LOST_DATABASE)  # name: see docstring
def send_reminders(date=None):
    """Daily (default 08:30), on working days: reminders and the escalation ladder."""
    return summary(*services.send_reminders(as_of(date)))


@shared_task(name="tracker.send_digests", **RETRY_ON_LOST_DATABASE)  # name: see docstring
def send_digests(date=None):
    """Every morning (default 08:00): the week's digests, on its first working day.

    Fanned out: one ``plan_city_digests`` task per city, each handing its rows to
    ``deliver_batch`` tasks, so the cities are planned and their emails sent by every
    worker process at once (the ``send_digests`` command keeps the in-process run)."""
    day = as_of(date)
    codes = services.digest_cities(day)
    group(plan_city_digests.s(code, day.isoformat()) for code in codes).apply_async()
    return {"cities": codes}


@shared_task(name="notifications.plan_city_digests", **RETRY_ON_LOST_DATABASE)
def plan_city_digests(code, date):
    """One city's week's digests; after its commit, its rows go to ``deliver_batch`` tasks
    of ``services.FAN_OUT_BATCH``. Run twice, it finds the week planned and sends nothing."""

    def deliver(ids):
        deliver_batch.delay(ids)

    queued = services.plan_city_digests(code, as_of(date), deliver)
    return {"city": code, "queued": len(queued)}


@shared_task(name="notifications.deliver_batch", **RETRY_ON_LOST_DATABASE)
def deliver_batch(ids):
    """Deliver exactly these dispatch rows (claimed first: a batch delivered twice, or rows
    beat's ``deliver_due`` took meanwhile, go out once)."""
    return {str(k): v for k, v in dispatch.deliver_ids(ids).items()}


@shared_task(name="tracker.deliver_due", **RETRY_ON_LOST_DATABASE)  # name: see docstring
def deliver_due():
    """Every few minutes: deliver what is due on every channel (email, webhooks, robots),
    one channel after another, each claiming only its own rows."""
    return {str(k): v for k, v in dispatch.deliver_due().items()}


@shared_task(name="tracker.deliver_channel", **RETRY_ON_LOST_DATABASE)  # name: see docstring
def deliver_channel(channel):
    """Asked for after an event is recorded: deliver one channel's due rows now."""
    return {str(k): v for k, v in dispatch.deliver_due(channel=channel).items()}
