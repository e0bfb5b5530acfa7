"""Weekly: each department's digest, and the whole city's for supervisors.

Like the daily steps, these only queue emails under their unique keys (the week's
Monday is the period), so a Monday missed is sent on the next run that week, once.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from .emails import queue_for, render_email
from .listing import Listing, by_completion, by_deadline, department_lists
from .models import Dispatch
from .recipients import department_addresses, departments, supervisor_addresses
from .sources import completed_items, open_items

SECTIONS = ("overdue", "due_soon", "completed")


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


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


def digest_context(department, digest, today, limit=None):
    return {
        "department": department,
        "today": today,
        "horizon_days": settings.TRACKER_DIGEST_HORIZON_DAYS,
        "lists": department_lists(department.pk),
        **{name: getattr(digest, name).section(today, limit) for name in SECTIONS},
    }


def queue_department_digests(digests, today):
    """Each department's digest (none when empty, by default); returns the queued emails
    and each department's section for the city's digest."""
    skip_empty = settings.TRACKER_DIGEST_SKIP_EMPTY
    queued, sections = [], []
    for department in departments():
        digest = digests.get(department.pk, Digest())
        if digest.is_empty() and skip_empty:
            continue
        queued += queue_for(
            department_addresses(department, digest=True),
            kind=Dispatch.Kind.DIGEST,
            subject_key=f"department:{department.pk}",
            period=week_start(today),
            template="digest",
            context=digest_context(department, digest, today),
        )
        sections.append(
            digest_context(
                department, digest, today, settings.TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT
            )
        )
    return queued, sections


def queue_city_digest(sections, today):
    """The supervisors' digest: every department's section, most overdue first."""
    if not sections and settings.TRACKER_DIGEST_SKIP_EMPTY:
        return []
    totals = {name: sum(section[name]["total"] for section in sections) for name in SECTIONS}
    return queue_for(
        supervisor_addresses(digest=True),
        kind=Dispatch.Kind.DIGEST,
        subject_key="city",
        period=week_start(today),
        template="city_digest",
        context={
            "sections": sorted(sections, key=lambda section: -section["overdue"]["total"]),
            "totals": totals,
            "today": today,
            "horizon_days": settings.TRACKER_DIGEST_HORIZON_DAYS,
        },
    )


def plan_weekly(today):
    """The week's digest for each department, and the whole city's for supervisors."""
    queued, sections = queue_department_digests(collect_digests(today), today)
    return queued + queue_city_digest(sections, today)


def preview_digest(department, today):
    """The digest a department would get for ``today``: (subject, text, html), nothing queued."""
    digest = collect_digests(today).get(department.pk, Digest())
    return render_email("digest", digest_context(department, digest, today))
