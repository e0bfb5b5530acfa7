"""The runs: queue what a plan says for a day, then deliver everything due.

The Celery tasks and the ``send_reminders``/``send_digests`` commands call these, so
a run by hand and a scheduled one are the same code. A plan covers every city, one after
the other (``cities.each_city``); delivery then sends every city's rows.
"""

from django.db import transaction

from . import dispatch
from .daily import plan_daily
from .weekly import plan_weekly


def run(plan, today, *, dry_run=False, now=None):
    """Queue what ``plan`` says for ``today`` and deliver everything due.

    The schedules plan today: a run that was missed is not replayed, today's says all it
    would (see ``dispatch.WORTH_SENDING_DAYS``). Plans send nothing on a day off (China's
    working-day calendar). With ``dry_run`` nothing is queued or sent: the planned emails
    are returned and the transaction is rolled back. ``now`` is for tests that play a
    calendar.
    """
    with transaction.atomic():
        queued = plan(today, now=now)
        if dry_run:
            transaction.set_rollback(True)
            return [(d.get_kind_display(), d.recipient, d.subject) for d in queued], {}
    return queued, dispatch.deliver_due(now=now)


def send_reminders(today, *, dry_run=False, now=None):
    return run(plan_daily, today, dry_run=dry_run, now=now)


def send_digests(today, *, dry_run=False, now=None):
    return run(plan_weekly, today, dry_run=dry_run, now=now)
