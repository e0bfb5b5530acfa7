"""The escalation ladder's emails (督办升级): each rung once per item, to the rung's audience.

Every open item of every deadline source sits on the highest rung it has reached
(``tracker.ladder.rung_reached``, in working days from its deadline). A rung that reaches
the department (handlers, section chiefs, heads) is one email per item, queued under the
key (rung, item, deadline): once, whenever the first run on or after the day it is reached
happens; a lower rung the item has passed meanwhile is skipped (first deployment, a moved
deadline). A rung that reaches the leadership is told in the leadership's daily summary:
one email per recipient per working day, listing every item at such a rung by department,
those that reached it since the last summary marked new.

A ladder is one city's: its rungs, its items, its log of what was told (``tenant``).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import Max

from tracker.choices import Audience
from tracker.ladder import active_rungs, rung_reached, working_days_after_deadline

from .dispatch import worth_until
from .emails import item_url, queue_for
from .listing import Listing, department_lists
from .models import Dispatch
from .recipients import tenant_or_acting
from .robots import Robots
from .sources import count_open

# Keys are checked against the dispatch log this many at a time.
CHUNK = 1000


@dataclass(frozen=True)
class Climb:
    """An item on a rung: ``offset`` working days after its deadline (negative: before)."""

    item: object  # a sources.DeadlineItem
    rung: object  # a tracker EscalationRung
    offset: int
    new: bool = False

    @property
    def key(self):
        return f"{self.item.key}:rung:{self.rung.working_days}"


def climb_links(climbs, today=None):
    return [
        {
            "item": climb.item,
            "url": item_url(climb.item),
            "rung": climb.rung,
            "new": climb.new,
            "overdue": climb.offset,
            "left": -climb.offset,
        }
        for climb in climbs
    ]


def summit_order(climb):
    # What reached the leadership since the last summary first, then the most overdue.
    return (not climb.new, climb.item.due_on, climb.item.code)


def last_summary_day(today, tenant=None):
    """The latest day before ``today`` for which the city's leadership summary was queued."""
    summaries = Dispatch.objects.for_tenants([tenant_or_acting(tenant)])
    return summaries.filter(kind=Dispatch.Kind.ESCALATION, period__lt=today).aggregate(
        latest=Max("period")
    )["latest"]


class Ladder:
    """Where each open item of a city stands on its ladder on ``today``, read in one pass."""

    def __init__(self, today, calendar, rungs=None, tenant=None):
        self.today, self.calendar = today, calendar
        self.tenant = tenant_or_acting(tenant)
        self.rungs = active_rungs(self.tenant) if rungs is None else rungs
        self.climbs = []  # items on a department's rung: one email each, once
        self.summit = {}  # department id -> Listing of the Climbs on a leadership rung
        self.fresh = Counter()  # department id -> how many of them are new

    @cached_property
    def since(self):
        """The last day the leadership's summary was planned for (read once, if needed)."""
        return last_summary_day(self.today, self.tenant)

    def horizon(self):
        """The latest deadline an item can have and be on a rung (its first may come
        working days before the deadline)."""
        ahead = max(0, -self.rungs[0].working_days) if self.rungs else 0
        return self.calendar.add_workdays(self.today, ahead + 1) - datetime.timedelta(days=1)

    def place(self, item):
        rung = rung_reached(item.due_on, self.today, self.rungs, self.calendar)
        if rung is None:
            return
        offset = working_days_after_deadline(item.due_on, self.today, self.calendar)
        if rung.audience != Audience.LEADERSHIP:
            self.climbs.append(Climb(item, rung, offset))
            return
        new = self.is_new(item, rung)
        listing = self.summit.setdefault(
            item.department_id,
            Listing(summit_order, settings.TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT, climb_links),
        )
        listing.add(Climb(item, rung, offset, new))
        self.fresh[item.department_id] += new

    def is_new(self, item, rung):
        """Reached ``rung`` since the last summary (everything is new before the first)."""
        if self.since is None:
            return True
        before = rung_reached(item.due_on, self.since, self.rungs, self.calendar)
        return before is None or before.working_days < rung.working_days

    def department_ids(self):
        return {climb.item.department_id for climb in self.climbs} | set(self.summit)


def told(climbs, tenant=None):
    """The (key, deadline) pairs of these climbs already in the city's dispatch log."""
    keys = sorted({climb.key for climb in climbs})
    rows = Dispatch.objects.for_tenants([tenant_or_acting(tenant)])
    found = set()
    for start in range(0, len(keys), CHUNK):
        found.update(
            rows.filter(
                kind=Dispatch.Kind.RUNG, subject_key__in=keys[start : start + CHUNK]
            ).values_list("subject_key", "period")
        )
    return found


def queue_rungs(ladder, roster, departments, robots=None):
    """One email per item that has reached a department's rung and not been told of it
    (and one message to each of the department's group robots)."""
    robots = robots or Robots(ladder.tenant)
    already = told(ladder.climbs, ladder.tenant)
    queued = []
    for climb in ladder.climbs:
        if (climb.key, climb.item.due_on) in already:
            continue
        department = departments[climb.item.department_id]
        message = {
            "kind": Dispatch.Kind.RUNG,
            "subject_key": climb.key,
            "period": climb.item.due_on,
            "tenant": ladder.tenant,
            "template": "rung",
            "context": {
                "department": department,
                "row": climb_links([climb])[0],
                "rung": climb.rung,
                "today": ladder.today,
            },
            "until": worth_until(Dispatch.Kind.RUNG, ladder.today),
        }
        queued += queue_for(roster.audience(department.pk, climb.rung.audience), **message)
        queued += robots.queue(department.pk, **message)
    return queued


def summary_groups(ladder, departments):
    return [
        {
            "department": departments[department_id],
            "climbs": listing.section(ladder.today),
            "new": ladder.fresh[department_id],
            "lists": department_lists(department_id),
        }
        for department_id, listing in sorted(
            ladder.summit.items(), key=lambda pair: departments[pair[0]].name
        )
    ]


def summary(groups, today, tenant):
    return {
        "kind": Dispatch.Kind.ESCALATION,
        "subject_key": "city",  # the city's: the dispatch log's key holds the tenant
        "period": today,
        "tenant": tenant,
        "template": "leadership",
        "context": {
            "groups": groups,
            "today": today,
            "count": sum(group["climbs"]["total"] for group in groups),
            "new": sum(group["new"] for group in groups),
        },
    }


def queue_summary(addresses, groups, today, tenant):
    return queue_for(addresses, **summary(groups, today, tenant))


def queue_summaries(ladder, roster, departments, robots=None):
    """The leadership's daily summary: the supervisors (and the supervising office's
    group robots) see every department, each city leader the departments they oversee (a
    leader who is also a supervisor gets the supervisors' one)."""
    if not ladder.summit:
        return []
    groups = summary_groups(ladder, departments)
    queued = queue_summary(roster.supervisors, groups, ladder.today, ladder.tenant)
    robots = robots or Robots(ladder.tenant)
    queued += robots.queue(None, **summary(groups, ladder.today, ladder.tenant))
    overseen = defaultdict(set)  # address -> department ids on a leadership rung
    for department_id in ladder.summit:
        for address in roster.city_leaders(department_id) - set(roster.supervisors):
            overseen[address].add(department_id)
    readers = defaultdict(list)  # the same departments: rendered once
    for address, department_ids in overseen.items():
        readers[frozenset(department_ids)].append(address)
    for department_ids, addresses in readers.items():
        own = [group for group in groups if group["department"].pk in department_ids]
        queued += queue_summary(sorted(addresses), own, ladder.today, ladder.tenant)
    return queued


def rung_counts(today, calendar, rungs):
    """{department id: Counter(rung working days -> open items on that rung)} on ``today``,
    for the dashboard's department panel (the items of the city acted for: the user's)."""
    ladder = Ladder(today, calendar, rungs)
    counts = defaultdict(Counter)
    # Counted per department and due date in SQL: a rung depends on the date alone.
    for (department_id, due_on), number in count_open(ladder.horizon(), by_date=True).items():
        rung = rung_reached(due_on, today, rungs, calendar)
        if rung is not None:
            counts[department_id][rung.working_days] += number
    return counts
