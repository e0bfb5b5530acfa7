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
from .deadline_sources import completed_items, open_items
from .emails import absolute, render_email
from .models import Department, Dispatch
from .recipients import department_addresses, supervisor_addresses


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


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
    subject, text, html = render_email(template, context)
    return [
        dispatch.queue(
            kind=kind,
            subject_key=subject_key,
            recipient=address,
            period=period,
            subject=subject,
            body_text=text,
            body_html=html,
        )[0]
        for address in addresses
    ]


def plan_daily(today):
    """Reminders for what is overdue, escalations, and heads-ups for what falls due soon."""
    escalate_after = settings.TRACKER_ESCALATE_AFTER_DAYS
    heads_up_by = today + datetime.timedelta(days=settings.TRACKER_HEADS_UP_DAYS)
    overdue, escalated, soon = defaultdict(list), defaultdict(list), []
    for item in open_items(heads_up_by):
        if item.due_on < today:
            overdue[item.department_id].append(item)
            if item.days_overdue(today) > escalate_after:
                escalated[item.department_id].append(item)
        else:
            soon.append(item)
    departments = Department.objects.in_bulk(
        set(overdue) | set(escalated) | {item.department_id for item in soon}
    )
    queued = []
    for department_id, items in overdue.items():
        department = departments[department_id]
        items.sort(key=lambda item: (item.due_on, item.code))  # most overdue first
        queued += queue_for(
            department_addresses(department),
            kind=Dispatch.Kind.REMINDER,
            subject_key=f"department:{department_id}",
            period=today,
            template="reminder",
            context={"department": department, "rows": with_links(items, today), "today": today},
        )
    if escalated:
        groups = [
            {
                "department": departments[department_id],
                "rows": with_links(sorted(items, key=lambda i: (i.due_on, i.code)), today),
            }
            for department_id, items in sorted(
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
                "count": sum(len(g["rows"]) for g in groups),
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


@dataclass
class Digest:
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    completed: list = field(default_factory=list)

    def is_empty(self):
        return not (self.overdue or self.due_soon or self.completed)


def collect_digests(today):
    """Each department's digest for the week of ``today``: {department_id: Digest}."""
    horizon = today + datetime.timedelta(days=settings.TRACKER_DIGEST_HORIZON_DAYS)
    digests = defaultdict(Digest)
    for item in open_items(horizon):
        target = digests[item.department_id]
        (target.overdue if item.due_on < today else target.due_soon).append(item)
    for item in completed_items(
        today - datetime.timedelta(days=7), today - datetime.timedelta(days=1)
    ):
        digests[item.department_id].completed.append(item)
    for digest in digests.values():
        digest.overdue.sort(key=lambda item: (item.due_on, item.code))
        digest.due_soon.sort(key=lambda item: (item.due_on, item.code))
        digest.completed.sort(key=lambda item: (item.completed_on, item.code))
    return digests


def digest_context(department, digest, today):
    return {
        "department": department,
        "today": today,
        "horizon_days": settings.TRACKER_DIGEST_HORIZON_DAYS,
        "overdue": with_links(digest.overdue, today),
        "due_soon": with_links(digest.due_soon, today),
        "completed": with_links(digest.completed, today),
    }


def plan_weekly(today):
    """The week's digest for each department, and the whole city's for supervisors."""
    period = week_start(today)
    digests = collect_digests(today)
    skip_empty = settings.TRACKER_DIGEST_SKIP_EMPTY
    queued = []
    departments = Department.objects.order_by("name")
    sections = []
    for department in departments:
        digest = digests.get(department.pk, Digest())
        if digest.is_empty() and skip_empty:
            continue
        context = digest_context(department, digest, today)
        sections.append(context)
        queued += queue_for(
            department_addresses(department, digest=True),
            kind=Dispatch.Kind.DIGEST,
            subject_key=f"department:{department.pk}",
            period=period,
            template="digest",
            context=context,
        )
    totals = {
        name: sum(len(section[name]) for section in sections)
        for name in ("overdue", "due_soon", "completed")
    }
    if sections or not skip_empty:
        sections.sort(key=lambda section: -len(section["overdue"]))
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
