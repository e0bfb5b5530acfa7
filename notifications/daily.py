"""Daily: reminders for what is overdue, escalations, and heads-ups for what falls due soon.

One pass over the open items sorts them (``collect``); then each step queues its own
emails in the dispatch log under their unique keys and returns them, and
``notifications.dispatch`` delivers them. Queuing twice is harmless, so a run may happen
again, late, or in two places at once.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from .emails import queue_for
from .listing import Listing, by_deadline, department_lists, with_links
from .models import Dispatch
from .recipients import department_addresses, departments_by_id, supervisor_addresses
from .sources import open_items


@dataclass
class Day:
    """What one pass over the open items found for ``today``."""

    today: datetime.date
    overdue: dict = field(default_factory=dict)  # department id -> Listing
    escalated: dict = field(default_factory=dict)  # department id -> Listing
    soon: list = field(default_factory=list)  # items due within the heads-up window
    departments: dict = field(default_factory=dict)  # department id -> Department


def collect(today):
    """Sort what is due by the end of the heads-up window into overdue, escalated, soon."""
    escalate_after = settings.TRACKER_ESCALATE_AFTER_DAYS
    day = Day(today)
    for item in open_items(today + datetime.timedelta(days=settings.TRACKER_HEADS_UP_DAYS)):
        if item.due_on < today:
            day.overdue.setdefault(item.department_id, Listing(by_deadline)).add(item)
            if item.days_overdue(today) > escalate_after:
                day.escalated.setdefault(item.department_id, Listing(by_deadline)).add(item)
        else:
            day.soon.append(item)
    day.departments = departments_by_id(
        set(day.overdue) | set(day.escalated) | {item.department_id for item in day.soon}
    )
    return day


def queue_reminders(day):
    """One reminder a day to each department with something overdue."""
    queued = []
    for department_id, listing in day.overdue.items():
        department = day.departments[department_id]
        queued += queue_for(
            department_addresses(department),
            kind=Dispatch.Kind.REMINDER,
            subject_key=f"department:{department_id}",
            period=day.today,
            template="reminder",
            context={
                "department": department,
                "overdue": listing.section(day.today),
                "lists": department_lists(department_id),
                "today": day.today,
            },
        )
    return queued


def queue_escalation(day):
    """One email a day to the supervisors: what is overdue beyond the escalation days,
    grouped by department."""
    if not day.escalated:
        return []
    per_department = settings.TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT
    groups = [
        {
            "department": day.departments[department_id],
            "overdue": listing.section(day.today, per_department),
            "lists": department_lists(department_id),
        }
        for department_id, listing in sorted(
            day.escalated.items(), key=lambda pair: day.departments[pair[0]].name
        )
    ]
    return queue_for(
        supervisor_addresses(),
        kind=Dispatch.Kind.ESCALATION,
        subject_key="city",
        period=day.today,
        template="escalation",
        context={
            "groups": groups,
            "today": day.today,
            "after_days": settings.TRACKER_ESCALATE_AFTER_DAYS,
            "count": sum(group["overdue"]["total"] for group in groups),
        },
    )


def queue_heads_ups(day):
    """One heads-up per item falling due soon, keyed by its deadline: sent once."""
    queued = []
    for item in day.soon:
        department = day.departments[item.department_id]
        queued += queue_for(
            department_addresses(department),
            kind=Dispatch.Kind.HEADS_UP,
            subject_key=item.key,
            period=item.due_on,
            template="heads_up",
            context={
                "department": department,
                "row": with_links([item], day.today)[0],
                "today": day.today,
            },
        )
    return queued


def plan_daily(today):
    """Reminders for what is overdue, escalations, and heads-ups for what falls due soon."""
    day = collect(today)
    return [*queue_reminders(day), *queue_escalation(day), *queue_heads_ups(day)]
