"""Daily, on working days: each department's reminder, and the escalation ladder's emails.

One pass over the open items sorts them (``collect``): what is overdue, by department, and
where each item stands on the ladder (``notifications.ladder``); the reports and receipts
each department owes are read once too. Then each step queues its own emails in the
dispatch log under their unique keys and returns them, and ``notifications.dispatch``
delivers them. Queuing twice is harmless, so a run may happen again, late, or in two
places at once. On a day off (China's calendar, ``workdays``) nothing is planned: what
falls due is told the next working day. Each city is planned on its own
(``cities.each_city``): its items, its ladder, its people.
"""

import datetime
from dataclasses import dataclass, field

from workdays.calendar import calendar as workday_calendar

from .cities import each_city
from .emails import queue_for
from .ladder import Ladder, queue_rungs, queue_summaries
from .listing import Listing, by_deadline, department_lists
from .models import Dispatch
from .owed import collect_owed, run_moment
from .recipients import Roster, department_addresses, departments_by_id
from .robots import Robots


@dataclass
class Day:
    """What one pass over a city's open items found for ``today``."""

    today: datetime.date
    ladder: Ladder
    tenant: str
    overdue: dict = field(default_factory=dict)  # department id -> Listing
    owed: dict = field(default_factory=dict)  # department id -> owed.Owed
    departments: dict = field(default_factory=dict)  # department id -> Department


def collect(city, today, calendar, moment):
    """Sort the city's open items into overdue and onto its ladder; read what is owed."""
    day = Day(today, Ladder(today, calendar, tenant=city.code), city.code)
    for item in city.open_items(day.ladder.horizon()):
        if item.due_on < today:
            day.overdue.setdefault(item.department_id, Listing(by_deadline)).add(item)
        day.ladder.place(item)
    day.owed = collect_owed(moment, calendar, city=city)
    day.departments = departments_by_id(
        set(day.overdue) | set(day.owed) | day.ladder.department_ids(), city.code
    )
    return day


def queue_reminders(day, robots=None):
    """One reminder a day to each department with something overdue or owed (a progress
    report missing at the last cut-off, a receipt not given in time), by email and to the
    department's group robots."""
    robots = robots or Robots(day.tenant)
    queued = []
    empty = Listing(by_deadline)
    for department_id in sorted(set(day.overdue) | set(day.owed)):
        department = day.departments.get(department_id)
        if department is None:  # deleted since the items were read
            continue
        owed = day.owed.get(department_id)
        message = {
            "kind": Dispatch.Kind.REMINDER,
            "subject_key": f"department:{department_id}",
            "period": day.today,
            "tenant": day.tenant,
            "template": "reminder",
            "context": {
                "department": department,
                "overdue": day.overdue.get(department_id, empty).section(day.today),
                "owed": owed.section(department_id) if owed else None,
                "lists": department_lists(department_id),
                "today": day.today,
            },
        }
        queued += queue_for(department_addresses(department), **message)
        queued += robots.queue(department_id, **message)
    return queued


def plan_daily(today, now=None):
    """On a working day, for each city: reminders for what is overdue or owed, and the
    ladder's rungs.

    ``now``: when the run happens (default: now); reports and receipts owed are those
    missing at that moment, or at the end of ``today`` for a run for another day."""
    calendar = workday_calendar()
    if not calendar.is_workday(today):
        return []
    return each_city(plan_city_day, today, calendar, run_moment(today, now))


def plan_city_day(city, today, calendar, moment):
    """One city's day: from its own items to its own departments, office and leaders."""
    day = collect(city, today, calendar, moment)
    roster, robots = Roster(city.code), Robots(city.code)
    return [
        *queue_reminders(day, robots),
        *queue_rungs(day.ladder, roster, day.departments, robots),
        *queue_summaries(day.ladder, roster, day.departments, robots),
    ]
