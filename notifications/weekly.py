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
from tracker.models import Official
from workdays.calendar import calendar as workday_calendar
from workdays.calendar import missing_year_warning

from . import dispatch
from .cities import City, each_city
from .emails import queue_for, render_email
from .listing import Listing, by_completion, by_deadline, department_lists
from .models import Dispatch
from .owed import Owed, collect_owed, defaulters, run_moment
from .problems import Problems, problem_listing, problem_section
from .recipients import departments, supervisor_addresses
from .robots import Robots
from .rows import rendered, rendered_owed

# Each section and how its rows are told (``rows.MODES``).
SECTIONS = {"overdue": "overdue", "due_soon": "soon", "completed": "done"}


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
    # Each department's most urgent items only, and the counts, from SQL (a city at
    # province scale has hundreds of thousands of open items; a digest lists 20 a section).
    limit = settings.TRACKER_EMAIL_ROWS
    for department_id, overdue, total, items in city.top_open(horizon, today, limit):
        target = digests[department_id]
        (target.overdue if overdue else target.due_soon).add_top(items, total)
    week = (today - datetime.timedelta(days=7), today - datetime.timedelta(days=1))
    for department_id, _overdue, total, items in city.top_completed(*week, limit):
        digests[department_id].completed.add_top(items, total)
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
        "owed": rendered_owed(digest.owed.section(department.pk, limit)),
        "problems": problem_section(digest.problems, today, limit),
        **{
            name: rendered(getattr(digest, name).section(today, limit), mode)
            for name, mode in SECTIONS.items()
        },
    }


def queue_department_digests(tenant, digests, today, robots=None):
    """Each of the city's departments' digest (none when empty, by default), by email and
    to its group robots; returns the queued rows and each department's section for the
    city's digest."""
    skip_empty = settings.TRACKER_DIGEST_SKIP_EMPTY
    robots = robots or Robots(tenant)
    queued, sections = [], []
    addresses = digest_addresses(tenant)
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
        queued += queue_for(addresses.get(department.pk, []), **message)
        queued += robots.queue(department.pk, **message)
        sections.append(
            digest_context(
                department, digest, today, settings.TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT
            )
        )
    return queued, sections


def digest_addresses(tenant):
    """{department id: its digest's addresses} of the city, in one query: what
    ``recipients.department_addresses(department, digest=True)`` gives each department
    (its own address and its officials who take the digest), without a query per
    department (test_fanout checks they agree)."""
    found = defaultdict(set)
    for department_id, email in departments(tenant).values_list("pk", "email"):
        if email:
            found[department_id].add(email)
    officials = (
        Official.objects.for_tenants([tenant])
        .filter(
            department__isnull=False,
            is_supervisor=False,
            user__is_active=True,
            receives_digest=True,
        )
        .exclude(user__email="")
        .values_list("department_id", "user__email")
    )
    for department_id, email in officials:
        found[department_id].add(email)
    return {department_id: sorted(emails) for department_id, emails in found.items()}


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


def plan_city_digests(code, today, now=None):
    """One city's share of ``plan_weekly`` (a fan-out task plans each city on its own):
    nothing on a day off, nor when the city's digests are planned already this week."""
    calendar = workday_calendar()
    if not calendar.is_workday(today):
        return []
    with acting_for(code):
        return plan_city_week(City(code), today, calendar, run_moment(today, now))


def plan_city_week(city, today, calendar, moment):
    if planned_this_week(today, city.code):
        return []
    problems = Problems(city).collect()
    digests = collect_digests(city, today, moment, calendar, problems)
    robots = Robots(city.code)
    with dispatch.one_insert() as inserted:  # the city's emails: one bulk insert
        queued, sections = queue_department_digests(city.code, digests, today, robots)
        queued += queue_city_digest(city.code, sections, today, digests, problems, robots)
        pending = [row for row in queued if row.pk is None]
    stored = {id(row): found for row, found in zip(pending, inserted.rows, strict=True)}
    return [stored.get(id(row), row) for row in queued]


def preview_digest(department, today):
    """The digest a department would get for ``today``: (subject, text, html), nothing
    queued; read as its own city's run would."""
    with acting_for(department.tenant_id):
        digest = collect_digests(City(department.tenant_id), today).get(department.pk, Digest())
        return render_email("digest", digest_context(department, digest, today))
