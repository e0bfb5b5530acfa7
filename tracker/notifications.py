"""What to tell whom, and when: daily reminders, escalations, heads-ups; weekly digests.

Each function only *queues* emails in the dispatch log under their unique keys and
returns them; ``tracker.dispatch`` delivers them. Queuing twice is harmless, so any
of these may run again, late, or in two places at once.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from . import dispatch
from .deadline_sources import completed_items, open_items, overdue_lists
from .emails import absolute, render_email
from .models import Department, Dispatch
from .recipients import department_addresses, supervisor_addresses


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


class Listing:
    """The first ``limit`` items of a list in ``order``, and how many there are in all.

    An email lists the most urgent items and counts the rest, with a link to them all:
    so neither its size nor the memory to build it grows with the number of items.
    """

    def __init__(self, order, limit=None):
        self.order, self.limit = order, limit or settings.TRACKER_EMAIL_ROWS
        self.total, self._kept = 0, []

    def add(self, item):
        self.total += 1
        self._kept.append(item)
        if len(self._kept) >= 2 * self.limit:  # trim now and then: amortised, bounded
            self._kept = sorted(self._kept, key=self.order)[: self.limit]

    def items(self):
        return sorted(self._kept, key=self.order)[: self.limit]

    def section(self, today, limit=None):
        rows = with_links(self.items()[: limit or self.limit], today)
        return {"rows": rows, "total": self.total, "more": self.total - len(rows)}


def by_deadline(item):
    return (item.due_on, item.code)


def by_completion(item):
    return (item.completed_on, item.code)


def with_links(items, today):
    return [
        {
            "item": item,
            "url": absolute(item.admin_path),
            "days_overdue": item.days_overdue(today),
            "days_left": -item.days_overdue(today),
        }
        for item in items
    ]


def queue_for(addresses, *, kind, subject_key, period, template, context):
    if not addresses:
        return []
    subject, text, html = render_email(template, context)
    return dispatch.queue(
        kind=kind,
        subject_key=subject_key,
        recipients=list(addresses),
        period=period,
        subject=subject,
        body_text=text,
        body_html=html,
    )


def plan_daily(today):
    """Reminders for what is overdue, escalations, and heads-ups for what falls due soon."""
    escalate_after = settings.TRACKER_ESCALATE_AFTER_DAYS
    heads_up_by = today + datetime.timedelta(days=settings.TRACKER_HEADS_UP_DAYS)
    overdue, escalated, soon = {}, {}, []
    for item in open_items(heads_up_by):
        if item.due_on < today:
            overdue.setdefault(item.department_id, Listing(by_deadline)).add(item)
            if item.days_overdue(today) > escalate_after:
                escalated.setdefault(item.department_id, Listing(by_deadline)).add(item)
        else:
            soon.append(item)
    departments = Department.objects.in_bulk(
        set(overdue) | set(escalated) | {item.department_id for item in soon}
    )
    queued = []
    for department_id, listing in overdue.items():
        department = departments[department_id]
        queued += queue_for(
            department_addresses(department),
            kind=Dispatch.Kind.REMINDER,
            subject_key=f"department:{department_id}",
            period=today,
            template="reminder",
            context={
                "department": department,
                "overdue": listing.section(today),
                "lists": department_lists(department_id),
                "today": today,
            },
        )
    if escalated:
        per_department = settings.TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT
        groups = [
            {
                "department": departments[department_id],
                "overdue": listing.section(today, per_department),
                "lists": department_lists(department_id),
            }
            for department_id, listing in sorted(
                escalated.items(), key=lambda pair: departments[pair[0]].name
            )
        ]
        queued += queue_for(
            supervisor_addresses(),
            kind=Dispatch.Kind.ESCALATION,
            subject_key="city",
            period=today,
            template="escalation",
            context={
                "groups": groups,
                "today": today,
                "after_days": escalate_after,
                "count": sum(group["overdue"]["total"] for group in groups),
            },
        )
    for item in soon:
        department = departments[item.department_id]
        queued += queue_for(
            department_addresses(department),
            kind=Dispatch.Kind.HEADS_UP,
            subject_key=item.key,
            period=item.due_on,
            template="heads_up",
            context={"department": department, "row": with_links([item], today)[0], "today": today},
        )
    return queued


def department_lists(department_id):
    return [(what, absolute(path)) for what, path in overdue_lists(department_id)]


@dataclass
class Digest:
    overdue: Listing = field(default_factory=lambda: Listing(by_deadline))
    due_soon: Listing = field(default_factory=lambda: Listing(by_deadline))
    completed: Listing = field(default_factory=lambda: Listing(by_completion))

    def is_empty(self):
        return not (self.overdue.total or self.due_soon.total or self.completed.total)


def collect_digests(today):
    """Each department's digest for the week of ``today``: {department_id: Digest}."""
    horizon = today + datetime.timedelta(days=settings.TRACKER_DIGEST_HORIZON_DAYS)
    digests = defaultdict(Digest)
    for item in open_items(horizon):
        target = digests[item.department_id]
        (target.overdue if item.due_on < today else target.due_soon).add(item)
    for item in completed_items(
        today - datetime.timedelta(days=7), today - datetime.timedelta(days=1)
    ):
        digests[item.department_id].completed.add(item)
    return digests


SECTIONS = ("overdue", "due_soon", "completed")


def digest_context(department, digest, today, limit=None):
    return {
        "department": department,
        "today": today,
        "horizon_days": settings.TRACKER_DIGEST_HORIZON_DAYS,
        "lists": department_lists(department.pk),
        **{name: getattr(digest, name).section(today, limit) for name in SECTIONS},
    }


def plan_weekly(today):
    """The week's digest for each department, and the whole city's for supervisors."""
    period = week_start(today)
    digests = collect_digests(today)
    skip_empty = settings.TRACKER_DIGEST_SKIP_EMPTY
    queued = []
    sections = []
    for department in Department.objects.order_by("name"):
        digest = digests.get(department.pk, Digest())
        if digest.is_empty() and skip_empty:
            continue
        queued += queue_for(
            department_addresses(department, digest=True),
            kind=Dispatch.Kind.DIGEST,
            subject_key=f"department:{department.pk}",
            period=period,
            template="digest",
            context=digest_context(department, digest, today),
        )
        sections.append(
            digest_context(
                department, digest, today, settings.TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT
            )
        )
    totals = {name: sum(section[name]["total"] for section in sections) for name in SECTIONS}
    if sections or not skip_empty:
        sections.sort(key=lambda section: -section["overdue"]["total"])
        queued += queue_for(
            supervisor_addresses(digest=True),
            kind=Dispatch.Kind.DIGEST,
            subject_key="city",
            period=period,
            template="city_digest",
            context={
                "sections": sections,
                "totals": totals,
                "today": today,
                "horizon_days": settings.TRACKER_DIGEST_HORIZON_DAYS,
            },
        )
    return queued


def preview_digest(department, today):
    """The digest a department would get for ``today``: (subject, text, html), nothing queued."""
    digest = collect_digests(today).get(department.pk, Digest())
    return render_email("digest", digest_context(department, digest, today))


def run(plan, today, *, dry_run=False):
    """Queue what ``plan`` says for ``today`` and deliver everything due.

    With ``dry_run`` nothing is queued or sent: the planned emails are returned and the
    transaction is rolled back.
    """
    with transaction.atomic():
        queued = plan(today)
        if dry_run:
            transaction.set_rollback(True)
            return [(d.get_kind_display(), d.recipient, d.subject) for d in queued], {}
    return queued, dispatch.deliver_due()


def send_reminders(today, *, dry_run=False):
    return run(plan_daily, today, dry_run=dry_run)


def send_digests(today, *, dry_run=False):
    return run(plan_weekly, today, dry_run=dry_run)
