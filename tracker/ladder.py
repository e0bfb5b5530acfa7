"""The escalation ladder (督办升级): which rung an open item has reached, counted in working
days from its deadline on China's calendar. The rungs are ``EscalationRung`` rows that
supervisors edit; notifications sends each rung once per item to the rung's audience.

Each city has its own ladder (``EscalationRung`` is a city's record): an item climbs the
rungs of its own city.
"""

from django.utils import timezone

from regions.tenancy import default_tenant_id
from workdays.calendar import calendar as working_calendar

from .choices import CHASED_TASK_STATES
from .models import EscalationRung

# The ladder a city starts with (the same as the migration gave the home city): a new city
# is chased from its first day, and its office edits the rungs like any record.
DEFAULT_LADDER = [
    ("提前提醒经办人", -3, "handlers"),
    ("到期提醒科长", 0, "section_chiefs"),
    ("逾期报告局长（主任）", 3, "heads"),
    ("逾期报告领导小组办公室和分管市领导", 7, "leadership"),
]


def active_rungs(tenant_id=None):
    """A city's ladder, lowest rung first: ``tenant_id``'s, else the city acted for (a
    city's run, the signed-in user's), else the home city's (``TRACKER_CITY_CODE``).
    A city without any rung yet gets the default ladder, made the first time it is asked
    for (as the ranking settings are)."""
    tenant_id = tenant_id or default_tenant_id()
    rungs = EscalationRung.objects.for_tenants([tenant_id])
    active = list(rungs.filter(is_active=True).order_by("working_days"))
    if active or rungs.exists():  # a ladder turned off rung by rung stays off
        return active
    EscalationRung.objects.bulk_create(
        [
            EscalationRung(tenant_id=tenant_id, name=name, working_days=days, audience=who)
            for name, days, who in DEFAULT_LADDER
        ],
        ignore_conflicts=True,  # two workers asking at once make it once
    )
    return list(rungs.filter(is_active=True).order_by("working_days"))


def working_days_after_deadline(due_on, today, calendar):
    """Working days from the deadline to ``today``: negative before it, 0 on the day.

    A deadline on a day off falls due on the next working day, as a report cut-off does: a
    task due on National Day is due when the offices open again, not the day before.
    """
    return calendar.workdays_between(calendar.next_workday(due_on), today)


def rung_reached(due_on, today, rungs, calendar):
    """The highest rung an item due on ``due_on`` has reached on ``today`` (None: none yet).

    ``working_days`` of a rung counts from the deadline: -3 is reached three working days
    before it, 0 on the day, 3 after three working days overdue.
    """
    return rung_at(working_days_after_deadline(due_on, today, calendar), rungs)


def rung_at(offset, rungs):
    """The highest of ``rungs`` (lowest first) reached ``offset`` working days after a
    deadline (None: none yet)."""
    reached = None
    for rung in rungs:
        if offset >= rung.working_days:
            reached = rung
    return reached


class LoopContext:
    """What showing many tasks' place in the loop needs once (per page, per API request):
    the working-day calendar, the active ladder and the moment."""

    def __init__(self):
        self.calendar = working_calendar()
        self.tenant_id = default_tenant_id()  # the city acted for (a user's own)
        self.ladders = {}
        self._read_every_ladder()
        if self.tenant_id not in self.ladders:
            self.ladders[self.tenant_id] = active_rungs(self.tenant_id)
        self.rungs = self.ladders[self.tenant_id]
        self.now = timezone.now()
        self.today = timezone.localdate()

    def rungs_of(self, tenant_id):
        """The ladder of ``tenant_id``: a superuser's or a province's page may show tasks of
        many cities, each on its own city's rungs. Every city's ladder is read at once (the
        table holds a few rows per city), so a page costs one query however many cities it
        shows."""
        if tenant_id not in self.ladders:
            # No rung at all yet: shown on the default ladder, which notifications makes
            # the first time they chase this city (active_rungs); a read never writes.
            self.ladders[tenant_id] = [
                EscalationRung(tenant_id=tenant_id, name=name, working_days=days, audience=who)
                for name, days, who in DEFAULT_LADDER
            ]
        return self.ladders[tenant_id]

    def _read_every_ladder(self):
        ladders = {}
        for rung in EscalationRung.objects.order_by("working_days"):
            ladders.setdefault(rung.tenant_id, [])
            if rung.is_active:  # a ladder turned off rung by rung stays off
                ladders[rung.tenant_id].append(rung)
        for tenant_id, rungs in ladders.items():
            self.ladders.setdefault(tenant_id, rungs)

    def rung(self, task):
        """The rung an open task has reached (None: none yet, or not open)."""
        if task.state not in CHASED_TASK_STATES:
            return None
        rungs = self.rungs_of(task.tenant_id or self.tenant_id)
        return rung_reached(task.deadline, self.today, rungs, self.calendar)
