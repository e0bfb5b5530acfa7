"""A bulletin's content for a period, read from the history as it stood at the period's end.

Figures come from ``performance.counting`` (the counting rules, docs/counting.md), tables
from ``performance.rankings``, overdue key tasks from ``performance.discipline`` (the same
rule the rankings' discipline part counts), and open problems from their steps: a problem
is open at the period's end when it was raised by then and its last step by then left it
unsolved. Rebuilding a past period therefore tells it as it was, whatever happened since.
The cooperation ledger's figures per kind follow ``cooperation.stats.kind_figures``'s rule
(items of the ledger year, those started and achieved in the period, what landed as projects).

Each bulletin is one tenant's, from its own rows only: a city's tells its counties,
departments, key tasks, problems and ledger; a province's tells its cities (each city's own
figures, ranked against the province's targets), its departments and its own key tasks. The
issuing office and the number's prefix are the tenant's (``Tenant.bulletin_issuer``,
``bulletin_number_prefix``); left blank, the home city takes the settings
(``TRACKER_BULLETIN_ISSUER``, ``TRACKER_BULLETIN_NUMBER_PREFIX``) and another office is
named after its tenant, so that no bulletin ever carries another city's name.
"""

from collections import defaultdict

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.stats import kind_figures
from performance import counting, discipline, rankings
from performance.periods import Period, period_of
from projects.choices import UNSOLVED_STATES, BlockerState
from projects.models import Blocker, BlockerStep
from regions.choices import TenantKind
from regions.models import Tenant
from tracker.models import KeyTask
from workdays.calendar import calendar as workday_calendar

from .content import (
    CITY,
    MEASURES,
    PROVINCE,
    BulletinContent,
    CooperationLine,
    Figures,
    OpenProblem,
    OverdueTask,
    RankingLine,
    RankingTable,
    bulletin_title,
    document_number,
)


def gather_content(kind, day, tenant=None):
    """The content of the ``kind`` bulletin (week or month) of the period containing
    ``day``, of ``tenant`` (a Tenant or its code; default: the acting one)."""
    period = period_of(kind, day)
    previous = period.previous()
    code = counting.tenant_code(tenant)
    office = Tenant.objects.filter(code=code).first()
    province = office is not None and office.kind == TenantKind.PROVINCE
    cities = counting.province_cities(code) if province else []
    issuer, prefix = heading_of(office, code)
    units = counting.Unit.CITY if province else counting.Unit.COUNTY
    return BulletinContent(
        kind=kind,
        start=period.start,
        end=period.end,
        issuer=issuer,
        number=document_number(prefix, kind, period.start),
        title=bulletin_title(kind, period.start, period.end, province),
        period=figures(period.start, period.end, code, cities),
        previous=figures(previous.start, previous.end, code, cities),
        year_to_date=figures(period.year_start, period.end, code, cities),
        previous_year_to_date=figures(previous.year_start, previous.end, code, cities),
        counties=ranking_table(period, units, code),
        departments=ranking_table(period, counting.Unit.DEPARTMENT, code),
        overdue_tasks=tuple(overdue_tasks(period, code)),
        open_problems=() if province else tuple(open_problems(period.end, code)),
        cooperation=() if province else cooperation_lines(period.start, period.end, code),
        level=PROVINCE if province else CITY,
    )


def heading_of(office, code):
    """(issuing office, document number prefix) of the bulletins of ``office`` (the Tenant
    of ``code``, None when it has none)."""
    issuer = office.bulletin_issuer if office else ""
    prefix = office.bulletin_number_prefix if office else ""
    if code == settings.TRACKER_CITY_CODE:
        issuer = issuer or settings.TRACKER_BULLETIN_ISSUER
        prefix = prefix or settings.TRACKER_BULLETIN_NUMBER_PREFIX
    elif not issuer:
        name = office.name if office else code
        issuer = _(
            "Office of the leading group for Beijing-Tianjin-Hebei coordinated development "
            "of %(name)s"
        ) % {"name": name}
    return issuer, prefix


def cooperation_lines(start, end, code):
    """(CooperationLine) per kind of the tenant's cooperation ledger, in the kinds' order."""
    return tuple(CooperationLine.of(figures) for figures in kind_figures(start, end, code))


def figures(start, end, code, cities):
    return Figures.of(counting.headline(start, end, code, cities))


def ranking_table(period, unit, code):
    result = rankings.ranking(period, unit, code)
    lines = [
        RankingLine(
            rank=row.rank,
            rank_change=row.rank_change,
            name=row.unit.name,
            code=row.unit.code,
            score=row.score,
            listed=row.listed,
            rates=tuple(row.rate.get(m) for m in MEASURES),
            year_to_date=tuple(row.year_to_date.get(m, 0) for m in MEASURES),
            in_period=tuple(row.in_period.get(m, 0) for m in MEASURES),
            targets=tuple(row.target.get(m) for m in MEASURES),
            on_time_rate=row.on_time_rate,
            overdue_tasks=row.overdue_tasks,
        )
        for row in result.rows
    ]
    return RankingTable(unit=str(unit), lines=tuple(lines))


def overdue_tasks(period, code=None):
    """[OverdueTask] of the tenant open at the end of the period with their deadline passed,
    by deadline."""
    calendar = workday_calendar()
    code = counting.tenant_code(code)
    lives = discipline.task_lives(Period(period.kind, period.start, period.end), code)
    ids = [life.task["pk"] for life in lives if life.is_overdue(period.end, calendar)]
    tasks = (
        KeyTask.objects.for_tenants([code])
        .filter(pk__in=ids)
        .select_related("lead_department")
        .order_by("deadline", "code")
    )
    return [
        OverdueTask(
            code=task.code,
            title=task.title,
            department=task.lead_department.name,
            deadline=task.deadline,
            days_overdue=(period.end - calendar.next_workday(task.deadline)).days,
        )
        for task in tasks
    ]


def states_at(blocker_ids, moment):
    """{problem id: its state after its last step by ``moment``} (one query)."""
    states = {}
    steps = (
        BlockerStep.objects.filter(blocker_id__in=blocker_ids, at__lte=moment)
        .order_by("blocker_id", "at", "pk")
        .values_list("blocker_id", "to_state")
    )
    for blocker_id, to_state in steps:
        states[blocker_id] = to_state
    return states


def open_problems(day, code=None):
    """[OpenProblem] of the tenant raised by the end of ``day`` and unsolved then, oldest
    first."""
    moment = discipline.end_of_day(day)
    raised = (
        Blocker.objects.for_tenants([counting.tenant_code(code)])
        .filter(raised_at__lte=moment)
        .select_related("project", "task", "raising_department", "coordinating_department")
        .order_by("raised_at", "pk")
    )
    blockers = list(raised)
    states = states_at([b.pk for b in blockers], moment)
    labels = defaultdict(str, {value: str(label) for value, label in BlockerState.choices})
    problems = []
    for blocker in blockers:
        state = states.get(blocker.pk, BlockerState.OPEN)
        if state not in UNSOLVED_STATES:
            continue
        coordinated = state != BlockerState.OPEN and blocker.coordinating_department
        raised_on = timezone.localdate(blocker.raised_at)
        problems.append(
            OpenProblem(
                title=blocker.title,
                blocked=blocker.project.name if blocker.project_id else blocker.task.title,
                raised_by=blocker.raising_department.name,
                coordinator=blocker.coordinating_department.name if coordinated else "",
                raised_on=raised_on,
                deadline=blocker.deadline if coordinated else None,
                state=labels[state],
                days_open=(day - raised_on).days,
            )
        )
    return problems
