"""Rankings (排名) of the counties and the departments for a period, with the red and black
lists (红黑榜). The formula, the defaults and the lists are told in docs/rankings.md.

A unit's completion rate per measure is its year-to-date actual at the period's end over
its annual target for that year. Its score is

    100 × (w_targets × T + w_discipline × D) / (w_targets + w_discipline)

where T is the weighted mean of the rates (each capped at ``rate_cap``) over the measures
the unit has a target for, and D (departments only) is the on-time reporting rate less
``overdue_task_penalty`` points per overdue key task, floored at 0. A part the unit lacks
(no target, no discipline data) is left out of the denominator; a unit with neither part
scores 0 and goes on neither list. Ranking a period again gives the same answer: the
figures come from dated history and the settings are those in force at the period's end.

Each tenant ranks its own units with its own settings and targets: a city its counties and
departments, a province its cities (``Unit.CITY``: each city's own figures against the
province's target for the city's division) and its departments. A regional working group
ranks nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ownership import official_of
from core.tenancy import reach_of, tenant_id_of
from tracker.choices import OfficialReach

from .counting import (
    TARGET_FIELDS,
    Measure,
    Unit,
    UnitRef,
    actuals,
    province_cities,
    tenant_code,
    units,
)
from .discipline import Discipline, discipline
from .models import RankingSettings, Target

RATE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
RED, BLACK = "red", "black"
# The RankingSettings field holding each measure's weight.
WEIGHT_FIELDS = {
    Measure.SIGNED: "weight_signed",
    Measure.STARTED: "weight_started",
    Measure.PRODUCING: "weight_producing",
    Measure.FUNDS: "weight_funds",
    Measure.JJJ: "weight_jjj",
}
# The other settings a ranking says it used, as named in its ``weights``.
OTHER_SETTINGS = {
    "targets": "weight_targets",
    "discipline": "weight_discipline",
    "overdue_task_penalty": "overdue_task_penalty",
    "rate_cap": "rate_cap",
    "red_list_size": "red_list_size",
    "red_list_min_score": "red_list_min_score",
    "black_list_size": "black_list_size",
    "black_list_max_score": "black_list_max_score",
}


@dataclass
class RankingRow:
    unit: UnitRef
    year_to_date: dict  # actuals from 1 January to the period's end, per Measure value
    in_period: dict  # actuals from the period's start to its end
    target: dict  # the unit's annual target per Measure value (None: no target)
    rate: dict  # year_to_date / target, 4 decimals (None without a target)
    on_time_rate: Decimal | None  # reporting discipline (departments; None for counties)
    overdue_tasks: int | None  # key tasks overdue at the period's end (departments)
    score: Decimal  # 0..100+, 2 decimals
    rank: int = 0  # 1 = best; equal scores share a rank
    previous_rank: int | None = None
    rank_change: int | None = None  # previous_rank - rank (positive: moved up)
    listed: str = ""  # "red", "black" or ""
    scored: bool = True  # False: no target and no discipline data, so nothing to score


@dataclass
class Ranking:
    period: object  # performance.periods.Period
    unit: str
    weights: dict
    rows: list


def end_of_day(day):
    naive = datetime.datetime.combine(day, datetime.time.max)
    return timezone.make_aware(naive, timezone.get_default_timezone())


def settings_at(day, tenant=None):
    """The tenant's ranking settings in force at the end of ``day``: the latest recorded
    version by then, else the earliest recorded one, else the defaults (an unsaved row)."""
    code = tenant_code(tenant)
    recorded = RankingSettings.history.filter(tenant_id=code)
    version = (
        recorded.filter(history_date__lte=end_of_day(day))
        .order_by("-history_date", "-history_id")
        .first()
    )
    if version is None:
        version = recorded.order_by("history_date", "history_id").first()
    return version if version is not None else RankingSettings(tenant_id=code)


def weights_of(settings):
    """What a ranking says it used: each measure's weight, then the other settings."""
    return {
        **{measure.value: getattr(settings, name) for measure, name in WEIGHT_FIELDS.items()},
        **{key: getattr(settings, name) for key, name in OTHER_SETTINGS.items()},
    }


def targets_of(unit, year, tenant=None):
    """{unit id: {measure: the annual target or None}} for the tenant's units with a target
    row (a province's target for a city names the city's division)."""
    column = "department_id" if unit == Unit.DEPARTMENT else "division_id"
    rows = Target.objects.for_tenants([tenant_code(tenant)])
    rows = rows.filter(year=year, **{f"{column}__isnull": False})
    fields = [column, *TARGET_FIELDS.values()]
    return {
        row[column]: {measure.value: row[name] for measure, name in TARGET_FIELDS.items()}
        for row in rows.values(*fields)
    }


def rates_of(year_to_date, target):
    """{measure: year to date / target, 4 decimals}; None without a (positive) target."""
    rates = {}
    for measure in Measure:
        goal = target.get(measure.value)
        if not goal:
            rates[measure.value] = None
            continue
        rate = Decimal(year_to_date.get(measure.value, 0)) / Decimal(goal)
        rates[measure.value] = rate.quantize(RATE_PLACES, ROUND_HALF_UP)
    return rates


def targets_part(rates, settings):
    """T: the weighted mean of the capped rates over the measures with a target and a
    weight; None when there is none."""
    weighted, weights = Decimal(0), 0
    for measure, name in WEIGHT_FIELDS.items():
        weight, rate = getattr(settings, name), rates[measure.value]
        if rate is None or not weight:
            continue
        weighted += weight * min(rate, Decimal(settings.rate_cap))
        weights += weight
    return weighted / weights if weights else None


def discipline_part(record, settings):
    """D: the on-time rate (1 when nothing was owed) less the penalty per overdue task,
    floored at 0; None without discipline data (nothing owed and nothing overdue)."""
    if record is None or (record.on_time_rate is None and not record.overdue_tasks):
        return None
    rate = Decimal(1) if record.on_time_rate is None else record.on_time_rate
    penalty = record.overdue_tasks * Decimal(settings.overdue_task_penalty) / HUNDRED
    return max(rate - penalty, Decimal(0))


def score_of(targets, disciplined, settings):
    """The score from the parts the unit has (None: neither part), 2 decimals."""
    parts = [
        (Decimal(settings.weight_targets), targets),
        (Decimal(settings.weight_discipline), disciplined),
    ]
    parts = [(weight, value) for weight, value in parts if value is not None and weight]
    if not parts:
        return None
    total = sum(weight for weight, _value in parts)
    score = HUNDRED * sum(weight * value for weight, value in parts) / total
    return score.quantize(SCORE_PLACES, ROUND_HALF_UP)


def scored_rows(period, unit, settings, *, with_period=True, tenant=None):
    """The unsorted rows of the tenant's ``unit`` for ``period``, scored with ``settings``."""
    tenant = tenant_code(tenant)
    refs = units(unit, period.end.year, tenant)
    year_to_date = actuals(unit, period.year_start, period.end, tenant)
    in_period = year_to_date
    if with_period and period.start != period.year_start:
        in_period = actuals(unit, period.start, period.end, tenant)
    targets = targets_of(unit, period.end.year, tenant)
    records = discipline(period, tenant=tenant) if unit == Unit.DEPARTMENT else {}
    empty_target = dict.fromkeys(Measure.values)
    rows = []
    for ref in refs:
        target = targets.get(ref.id, empty_target)
        reached = year_to_date.get(ref.id, {})
        rates = rates_of(reached, target)
        record = records.get(ref.id, Discipline()) if unit == Unit.DEPARTMENT else None
        score = score_of(targets_part(rates, settings), discipline_part(record, settings), settings)
        rows.append(
            RankingRow(
                unit=ref,
                year_to_date=reached,
                in_period=in_period.get(ref.id, {}) if with_period else {},
                target=target,
                rate=rates,
                on_time_rate=record.on_time_rate if record else None,
                overdue_tasks=record.overdue_tasks if record else None,
                score=Decimal("0.00") if score is None else score,
                scored=score is not None,
            )
        )
    return rows


def rank(rows):
    """Sort by score (best first, ties by name) and give ranks: equal scores share one."""
    rows.sort(key=lambda row: (-row.score, row.unit.name, row.unit.id))
    for place, row in enumerate(rows, start=1):
        tied = place > 1 and rows[place - 2].score == row.score
        row.rank = rows[place - 2].rank if tied else place
    return rows


def mark_lists(rows, settings):
    """Red: ranked within the top ``red_list_size`` places with at least the red score.
    Black: within the bottom ``black_list_size`` places (ties share a place) below the
    black score. Red first, so that no unit is on both; unscored units on neither."""
    scored = [row for row in rows if row.scored]
    for row in scored:
        if row.rank <= settings.red_list_size and row.score >= settings.red_list_min_score:
            row.listed = RED
    for row in scored:
        from_bottom = 1 + sum(other.score < row.score for other in scored)
        below = row.score < settings.black_list_max_score
        if not row.listed and from_bottom <= settings.black_list_size and below:
            row.listed = BLACK
    return rows


def ranked(period, unit, *, with_period=True, tenant=None):
    """(settings, ranked rows) of the tenant's ``unit`` for ``period``."""
    if unit not in Unit.values:
        raise ValueError(f"unknown unit: {unit!r}")
    tenant = tenant_code(tenant)
    settings = settings_at(period.end, tenant)
    rows = scored_rows(period, unit, settings, with_period=with_period, tenant=tenant)
    return settings, mark_lists(rank(rows), settings)


def ranking(period, unit, tenant=None):
    """The ranking of the tenant's counties, cities or departments (``unit``) for
    ``period``, with each unit's rank in the period before (``period.previous()``, ranked
    with its own settings). ``tenant``: by default the acting one."""
    settings, rows = ranked(period, unit, tenant=tenant)
    _previous_settings, before = ranked(period.previous(), unit, with_period=False, tenant=tenant)
    previous = {row.unit.id: row.rank for row in before}
    for row in rows:
        row.previous_rank = previous.get(row.unit.id)
        if row.previous_rank is not None:
            row.rank_change = row.previous_rank - row.rank
    return Ranking(period=period, unit=unit, weights=weights_of(settings), rows=rows)


# --- who ranks what ---------------------------------------------------------------------


def units_of(tenant):
    """The units a tenant ranks, the default first: a province its cities and departments,
    a city its counties and departments."""
    if province_cities(tenant_code(tenant)):
        return (Unit.CITY, Unit.DEPARTMENT)
    return (Unit.COUNTY, Unit.DEPARTMENT)


def ranking_tenant(user):
    """The tenant whose ranking ``user`` reads: their own (an operator: the home city).
    A regional working group ranks nothing (PermissionDenied, with the reason)."""
    official = official_of(user)
    if official is not None and official.reach == OfficialReach.REGION:
        raise PermissionDenied(
            _("A regional working group has no rankings: each city ranks its own units.")
        )
    if reach_of(user).everything:
        return tenant_code(None)
    tenant = tenant_id_of(user)
    if tenant is None:
        raise PermissionDenied(_("Only a city's or a province's officials read rankings."))
    return tenant
