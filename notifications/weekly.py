"""Weekly, for each city: each department's digest, and the whole city's for its supervisors.

Beat runs this every morning; it plans on the first working day of the ISO week (a
holiday Monday moves the digests to Tuesday, or later), and on a later working day only
if nothing was planned for the week yet (beat was down that morning). Like the daily
steps, these only queue emails under their unique keys (the week's Monday is the
period), so the digests go out once a week. Each city is planned on its own
(``cities.each_city``), and "already planned this week" is asked of each city's log.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from core.tenancy import acting_for
from workdays.calendar import calendar as workday_calendar
from workdays.calendar import missing_year_warning

from .cities import City, each_city
from .emails import queue_for, render_email
from .listing import Listing, by_completion, by_deadline, department_lists
from .models import Dispatch
from .owed import Owed, collect_owed, defaulters, run_moment
from .problems import Problems, problem_listing, problem_section
from .recipients import department_addresses, departments, supervisor_addresses
from .robots import Robots

SECTIONS = ("overdue", "due_soon", "completed")


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class Digest:
    overdue: Listing = field(default_factory=lambda: Listing(by_deadline))
    due_soon: Listing = field(default_factory=lambda: Listing(by_deadline))
    completed: Listing = field(default_factory=lambda: Listing(by_completion))
    owed: Owed = field(default_factory=Owed)
    problems: Listing = field(default_factory=problem_listing)  # open, oldest first

    def is_empty(self):
        return not (
            self.overdue.total
            or self.due_soon.total
            or self.completed.total
            or self.owed.total
            or self.problems.total
        )


def collect_digests(city, today, moment=None, calendar=None, problems=None):
    """Each of ``city``'s departments' digest for the week of ``today``: {department_id:
    Digest}, with what it owes at ``moment`` (default: the end of ``today``) and the open
    problems it raised, coordinates or supports (``problems``: a collected ``Problems``)."""
    horizon = today + datetime.timedelta(days=settings.TRACKER_DIGEST_HORIZON_DAYS)
    digests = defaultdict(Digest)
    for item in city.open_items(horizon):
        target = digests[item.department_id]
        (target.overdue if item.due_on < today else target.due_soon).add(item)
    for item in city.completed_items(
        today - datetime.timedelta(days=7), today - datetime.timedelta(days=1)
    ):
        digests[item.department_id].completed.add(item)
    moment = moment or run_moment(today, None)
    calendar = calendar or workday_calendar()
    for department_id, owed in collect_owed(moment, calendar, city=city).items():
        digests[department_id].owed = owed
    for department_id, listing in (problems or Problems(city).collect()).by_department.items():
        digests[department_id].problems = listing
    return digests


def digest_context(department, digest, today, limit=None):
    return {
        "department": department,
        "today": today,
        "horizon_days": settings.TRACKER_DIGEST_HORIZON_DAYS,
        "lists": department_lists(department.pk),
        "owed": digest.owed.section(department.pk, limit),
        "problems": problem_section(digest.problems, today, limit),
        **{name: getattr(digest, name).section(today, limit) for name in SECTIONS},
    }


def queue_department_digests(tenant, digests, today, robots=None):
    """Each of the city's departments' digest (none when empty, by default), by email and
    to its group robots; returns the queued rows and each department's section for the
    city's digest."""
    skip_empty = settings.TRACKER_DIGEST_SKIP_EMPTY
    robots = robots or Robots(tenant)
    queued, sections = [], []
    for department in departments(tenant):
        digest = digests.get(department.pk, Digest())
        if digest.is_empty() and skip_empty:
            continue
        message = {
            "kind": Dispatch.Kind.DIGEST,
            "subject_key": f"department:{department.pk}",
            "period": week_start(today),
            "tenant": tenant,
            "template": "digest",
            "context": digest_context(department, digest, today),
        }
        queued += queue_for(department_addresses(department, digest=True), **message)
        queued += robots.queue(department.pk, **message)
        sections.append(
            digest_context(
                department, digest, today, settings.TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT
            )
        )
    return queued, sections


def queue_city_digest(tenant, sections, today, digests, problems=None, robots=None):
    """The city's supervisors' digest (by email and to its supervising office's robots):
    every department's section, most overdue first; the departments that missed the last
    cut-off, most first; the open problems, oldest first; and a warning when next year's
    official calendar is missing (from December on)."""
    warning = missing_year_warning(today)
    everyone = problems.everyone if problems else problem_listing()
    if not (sections or warning or everyone.total) and settings.TRACKER_DIGEST_SKIP_EMPTY:
        return []
    totals = {name: sum(section[name]["total"] for section in sections) for name in SECTIONS}
    by_department = {section["department"].pk: section["department"] for section in sections}
    late = defaulters({pk: digest.owed for pk, digest in digests.items()}, by_department)
    message = {
        "kind": Dispatch.Kind.DIGEST,
        "subject_key": "city",  # the city's: the dispatch log's key holds the tenant
        "period": week_start(today),
        "tenant": tenant,
        "template": "city_digest",
        "context": {
            "sections": sorted(sections, key=lambda section: -section["overdue"]["total"]),
            "totals": totals,
            "late": late,
            "late_totals": {
                name: sum(row[name] for row in late) for name in ("reports", "receipts")
            },
            "calendar_warning": warning,
            "problems": problem_section(everyone, today),
            "today": today,
            "horizon_days": settings.TRACKER_DIGEST_HORIZON_DAYS,
        },
    }
    return [
        *queue_for(supervisor_addresses(tenant, digest=True), **message),
        *(robots or Robots(tenant)).queue(None, **message),
    ]


def planned_this_week(today, tenant):
    week = Dispatch.objects.for_tenants([tenant])
    return week.filter(kind=Dispatch.Kind.DIGEST, period=week_start(today)).exists()


def plan_weekly(today, now=None):
    """For each city, the week's digest for each department, and the whole city's for its
    supervisors: on the first working day of the week, or the first run that week that
    finds none planned for the city."""
    calendar = workday_calendar()
    if not calendar.is_workday(today):
        return []
    return each_city(plan_city_week, today, calendar, run_moment(today, now))


def plan_city_week(city, today, calendar, moment):
    if planned_this_week(today, city.code):
        return []
    problems = Problems(city).collect()
    digests = collect_digests(city, today, moment, calendar, problems)
    robots = Robots(city.code)
    queued, sections = queue_department_digests(city.code, digests, today, robots)
    return queued + queue_city_digest(city.code, sections, today, digests, problems, robots)


def preview_digest(department, today):
    """The digest a department would get for ``today``: (subject, text, html), nothing
    queued; read as its own city's run would."""
    with acting_for(department.tenant_id):
        digest = collect_digests(City(department.tenant_id), today).get(department.pk, Digest())
        return render_email("digest", digest_context(department, digest, today))
