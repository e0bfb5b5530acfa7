"""A day missed (beat down, SMTP down all day, a worker killed mid-delivery) is caught up
once, not twice, for every kind of dispatch, over a real SMTP server.

The test plays a calendar of four days around the day M (a Monday, a working day after a
day off, followed by two working days) on which the kind first falls due for an item,
with the scheduled runs at their hours (``services.run(..., now=…)``, ``deliver_due(now=…)``
every few hours), and counts the emails of that kind about that item per recipient and
day. The kinds come from ``Dispatch.Kind``: a kind added later fails here until its
scenario is added to ``SCENARIOS`` (retired kinds aside: no plan queues them).

The worker's death is simulated in-process here (a batch claimed, its first email sent,
the rest left ``sending``); config/tests/test_stack.py kills a real worker process with
SIGKILL in the middle of the digests.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.daily import plan_daily
from notifications.dispatch import (
    RETIRED_KINDS,
    WORTH_SENDING_DAYS,
    EmailChannel,
    claim_rows,
    deliver_batch,
    deliver_due,
    due_rows,
)
from notifications.models import Dispatch
from notifications.notices import tell_department
from notifications.tests.world import make_task
from notifications.weekly import plan_weekly
from workdays.calendar import calendar as workday_calendar

pytestmark = pytest.mark.django_db

DEPARTMENT = ["a@example.gov", "b@example.gov", "commerce@example.gov"]


@dataclass
class Scenario:
    plan: object  # the plan that queues this kind
    due_on: object  # the item's deadline, given M, the day the kind first falls due for it
    recipients: list
    daily: bool  # one a day while it lasts (True), or once for its period (False)
    scheduled: object = lambda day: True  # the days the plan's schedule fires


SCENARIOS = {
    # Overdue from M on (due the day before).
    Dispatch.Kind.REMINDER: Scenario(
        plan_daily, lambda m: m - datetime.timedelta(days=1), DEPARTMENT, daily=True
    ),
    # On the ladder's rung 0 (section chiefs; the department has none, so its address and
    # handlers) from M on: due on M. The rung before (-3) was reached during the week
    # before, which the calendar does not play; a run on M tells only the highest rung.
    Dispatch.Kind.RUNG: Scenario(plan_daily, lambda m: m, DEPARTMENT, daily=False),
    # On the leadership's rung (7 working days overdue) from M on: in its daily summary.
    Dispatch.Kind.ESCALATION: Scenario(
        plan_daily,
        lambda m: workday_calendar().add_workdays(m, -7),
        ["boss@example.gov"],
        daily=True,
    ),
    # M is the week's first working day; the item is overdue, so there is something to
    # tell (b@ opted out). Beat runs the digests every morning; they go out once a week.
    Dispatch.Kind.DIGEST: Scenario(
        plan_weekly,
        lambda m: m - datetime.timedelta(days=1),
        ["a@example.gov", "boss@example.gov", "commerce@example.gov"],
        daily=False,
    ),
}


def tell_of_tasks_due(day, now=None):
    """A step that tells a department of each task due by ``day``, once (a notice's key):
    a stand-in for a problem handed to it on the day it falls due."""
    from tracker.models import KeyTask

    queued = []
    for task in KeyTask.objects.filter(deadline__lte=day):
        queued += tell_department(
            task.lead_department_id,
            key=f"catch-up:{task.pk}",
            template="blocker_assigned",
            context={"problem": {"title": task.code, "deadline": task.deadline}},
            day=day,
        )
    return queued


# One-off: told once, on the day of its step (M); a day missed is told the next day.
SCENARIOS[Dispatch.Kind.NOTICE] = Scenario(tell_of_tasks_due, lambda m: m, DEPARTMENT, daily=False)

MODES = ["beat down on M", "smtp down all of M", "worker killed mid-delivery on M"]


def at(day, hour, minute=0):
    """An instant on ``day`` in the site's time zone. The calendar is in the future, so
    that the rows' real timestamps (queued, next attempt) are behind it."""
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def first_monday_after(days):
    """The first Monday ``days`` from now that is a working day after a day off and
    followed by two working days (no holiday inside the calendar played)."""
    calendar = workday_calendar()
    day = timezone.localdate() + datetime.timedelta(days=days)
    day += datetime.timedelta(days=-day.weekday() % 7)
    while calendar.is_workday(day - datetime.timedelta(days=1)) or not all(
        calendar.is_workday(day + datetime.timedelta(days=offset)) for offset in (0, 1, 2)
    ):
        day += datetime.timedelta(weeks=1)
    return day


class Calendar:
    def __init__(self, scenario, mode, mail_server):
        self.scenario, self.mode, self.smtp = scenario, mode, mail_server

    def run(self, day, hour, minute=0):
        services.run(self.scenario.plan, day, now=at(day, hour, minute))

    def die_mid_delivery(self, day):
        """The 08:30 run, on a worker killed after the first email of its batch: the rest
        stays claimed (``sending``) until TRACKER_DISPATCH_CLAIM_SECONDS have passed."""
        now = at(day, 8, 30)
        with transaction.atomic():
            self.scenario.plan(day)
        batch = claim_rows(due_rows(now), now)
        assert len(batch) > 1, "the scenario needs a batch to die in the middle of"
        channel = EmailChannel()
        deliver_batch(batch[:1], channel, now=now, as_of=day, counts=Counter())
        channel.close()
        statuses = Counter(
            Dispatch.objects.filter(pk__in=[d.pk for d in batch]).values_list("status", flat=True)
        )
        held = len(batch) - 1
        assert statuses == {Dispatch.Status.SENT: 1, Dispatch.Status.SENDING: held}
        # Before the lease runs out nobody takes the dead worker's claim.
        deliver_due(now=now + datetime.timedelta(seconds=settings.TRACKER_DISPATCH_CLAIM_SECONDS))
        assert Dispatch.objects.filter(status=Dispatch.Status.SENDING).count() == held
        lease = datetime.timedelta(seconds=settings.TRACKER_DISPATCH_CLAIM_SECONDS + 60)
        deliver_due(now=now + lease)
        assert not Dispatch.objects.filter(status=Dispatch.Status.SENDING).exists()

    def day(self, day, missed):
        """One day of the schedule: retries every few hours, the plan at 08:30."""
        if missed and self.mode == "beat down on M":
            return  # nothing runs: neither the plan nor the retries
        if missed and self.mode == "smtp down all of M":
            self.smtp.stop()
        deliver_due(now=at(day, 0, 5))
        if day == self.missed + datetime.timedelta(days=1) and self.mode == "beat down on M":
            # Beat comes back at 08:00 and fires the run it missed (for today, as every
            # scheduled run); the message queued for a dead worker runs too.
            self.run(day, 8, 0)
            self.run(day, 8, 1)
        if self.scenario.scheduled(day):
            if missed and self.mode == "worker killed mid-delivery on M":
                self.die_mid_delivery(day)
            else:
                self.run(day, 8, 30)
        for hour in (9, 14, 23):
            deliver_due(now=at(day, hour))
        if missed and self.mode == "smtp down all of M":
            self.smtp.start()

    def play(self, missed):
        """Days M-1 to M+2; returns {(recipient, day): emails of this kind about the item}."""
        self.missed = missed
        told = Counter()
        for offset in (-1, 0, 1, 2):
            day = missed + datetime.timedelta(days=offset)
            before = len(self.smtp.messages)
            self.day(day, missed=offset == 0)
            for message in self.smtp.messages[before:]:
                dispatch = Dispatch.objects.get(pk=int(message["X-Tracker-Dispatch"]))
                body = message.get_body(("plain",)).get_content()
                if dispatch.kind == self.kind and self.code in body:
                    told[(str(message["To"]), day)] += 1
        return told


def expected(scenario, mode, missed):
    """The days each recipient hears about the item: once a day from the day it was
    first told, for a daily kind; once in all, for the others. A day missed is told the
    next day, once."""
    first = missed if mode == "worker killed mid-delivery on M" else missed + datetime.timedelta(1)
    last = missed + datetime.timedelta(days=2)
    days = []
    while first <= last:
        days.append(first)
        if not scenario.daily:
            break
        first += datetime.timedelta(days=1)
    return Counter({(recipient, day): 1 for recipient in scenario.recipients for day in days})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "kind",
    # The monthly bulletin's catch-up is bulletins/tests/test_mailing.py's (its plan lives
    # in bulletins, above notifications). A webhook event is no email of a day: no plan
    # queues it, it is never out of date and every event goes out, in order, once its
    # receiver is back (notifications/tests/test_webhooks.py).
    [
        kind
        for kind in Dispatch.Kind.values
        if kind not in RETIRED_KINDS and kind not in (Dispatch.Kind.BULLETIN, Dispatch.Kind.EVENT)
    ],
)
def test_a_missed_day_is_caught_up_once_for_every_kind(
    kind, mode, mail_server, people, work_point, department
):
    if kind not in SCENARIOS or kind not in WORTH_SENDING_DAYS:
        pytest.fail(
            f"The dispatch kind {kind!r} has no catch-up scenario: add it to SCENARIOS in "
            "notifications/tests/test_catch_up.py and say in notifications.dispatch."
            "WORTH_SENDING_DAYS how long one is worth sending."
        )
    scenario = SCENARIOS[kind]
    missed = first_monday_after(14)  # every kind falls due on a Monday, M
    make_task(work_point, department, "KT-CATCH", scenario.due_on(missed))
    calendar = Calendar(scenario, mode, mail_server)
    calendar.kind, calendar.code = kind, "KT-CATCH"
    assert calendar.play(missed) == expected(scenario, mode, missed)
    # Nothing is left to go out later, twice or late.
    left = Dispatch.objects.filter(
        status__in=[Dispatch.Status.PENDING, Dispatch.Status.FAILED, Dispatch.Status.SENDING]
    )
    assert not left.exists()
