"""Celery tasks: thin wrappers around tracker.notifications and tracker.dispatch.

Each may run late, twice or on two workers at once: the dispatch log's unique keys
and claims make every email go out once.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from . import dispatch, notifications


def as_of(date):
    return datetime.date.fromisoformat(date) if date else timezone.localdate()


def summary(queued, delivered):
    return {"queued": len(queued), "delivered": {str(k): v for k, v in delivered.items()}}


@shared_task(name="tracker.send_reminders")
def send_reminders(date=None):
    """Daily: overdue reminders, escalations and heads-ups (default 08:30)."""
    return summary(*notifications.send_reminders(as_of(date)))


@shared_task(name="tracker.send_digests")
def send_digests(date=None):
    """Weekly: digests for departments and supervisors (default Monday 08:00)."""
    return summary(*notifications.send_digests(as_of(date)))


@shared_task(name="tracker.deliver_due")
def deliver_due():
    """Every few minutes: retry failed emails whose time has come."""
    return {str(k): v for k, v in dispatch.deliver_due().items()}
