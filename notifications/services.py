"""The runs: queue what a plan says for a day, then deliver everything due.

The Celery tasks and the ``send_reminders``/``send_digests`` commands call these, so
a run by hand and a scheduled one are the same code. A plan covers every city, one after
the other (``cities.each_city``); delivery then sends every city's rows.

The digests also fan out over the workers (``plan_city_digests``, the Celery path): one
task plans each city in its own transaction and, once that has committed, hands its
queued rows to delivery tasks of ``FAN_OUT_BATCH`` rows each (``tasks.deliver_batch``).
"""

from django.db import transaction

from workdays.calendar import calendar as workday_calendar

from . import dispatch
from .daily import plan_daily
from .models import Dispatch
from .recipients import city_codes
from .weekly import plan_city_digests as plan_city_week
from .weekly import plan_weekly

# Rows per delivery task of the fan-out: big enough that a task's own cost (a claim, an SMTP
# connection) is small beside its sends, small enough that 900 digests are 18 tasks to
# share between the workers' processes.
FAN_OUT_BATCH = 50


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


def digest_cities(today):
    """The cities whose digests a fan-out run plans for ``today``: none on a day off."""
    return list(city_codes()) if workday_calendar().is_workday(today) else []


def plan_city_digests(code, today, deliver, *, now=None):
    """Plan one city's digests in their own transaction; once it has committed, call
    ``deliver(ids)`` for each batch of at most ``FAN_OUT_BATCH`` of its rows still to send
    (the delivery tasks must not look for rows that are not committed yet). Returns the
    queued rows. A run again finds them planned (``planned_this_week``) and hands on
    nothing; beat's ``deliver_due`` sends whatever a lost delivery task left."""
    with transaction.atomic():
        queued = plan_city_week(code, today, now=now)
        ids = [d.pk for d in queued if d.status == Dispatch.Status.PENDING]
        batches = [ids[i : i + FAN_OUT_BATCH] for i in range(0, len(ids), FAN_OUT_BATCH)]
        transaction.on_commit(lambda: [deliver(batch) for batch in batches])
    return queued
