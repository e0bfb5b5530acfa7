"""The counting rules: what the figures of targets, rankings and bulletins count.

Every figure told against a target comes from here, so that the admin, the API and the
bulletin can never disagree (docs/targets.md, "The counting rules", gives each rule with
its reason and its test):

1. A project counts once, in the period in which it reaches a stage: its stage date
   (``signed_on``, ``started_on``, ``produced_on``, dated by ``record_project_update`` the
   first time a report reaches the stage) falls within the period, both ends included.
   A dropped project keeps the dates of the stages it reached, and so still counts.
2. Funds in place are cumulative and come from dated reports: a project's funds at a date
   are those of its latest report on or before that date; the funds that arrived in a
   period are the funds at its end less the funds the day before it began. Only a marked
   correction lowers them, and it lowers the period it falls in.
3. A project that moves to another county or department, or changes investor, is still
   one project: it counts once, for the county and department it had at the period's end
   (read from its history; without history at that date, its earliest record, then the
   project as it is now).
4. A capital increase (增资) raises the same project's investment and funds: it adds no
   project to any count.
5. The Beijing-Tianjin-Hebei measure counts projects whose investor comes from 北京市,
   天津市 or 河北省 (anywhere within them), of at least TRACKER_COUNTED_MIN_INVESTMENT
   (过亿元: 10000 万元), that started construction in the period; origin and investment are
   read as they were at the period's end, like the unit.
6. Counts tell how many of the projects they count are possible duplicates awaiting review.
7. A city's figures count its own rows only (its tenant): another city's projects, key
   tasks and targets never enter them. A province's figures are its cities' own figures,
   each computed by these rules for that city and summed (``Unit.CITY``, ``headline`` of a
   province), so that a roll-up always equals the sum of what the cities report.

The figures are aggregated in the database: a few queries per call (per city, for a
province), whatever the number of projects.
"""

import contextlib
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import acting_for
from projects.duplicates import under_review
from projects.models import MONEY, Project, ProjectUpdate
from regions.models import Division

# Units and tenants live in .units; counting is where the rest of the house finds them.
from .units import Unit, UnitRef, province_cities, tenant_code, units  # noqa: F401


class Measure(models.TextChoices):
    SIGNED = "signed", _("Projects signed")
    STARTED = "started", _("Projects started")
    PRODUCING = "producing", _("Projects in operation")
    FUNDS = "funds_in_place", _("Funds in place (10,000 yuan)")
    JJJ = "jjj_projects", _("Projects from Beijing, Tianjin and Hebei of over 100 million yuan")


# The Target field that holds each measure's annual target.
TARGET_FIELDS = {
    Measure.SIGNED: "signed_projects",
    Measure.STARTED: "started_projects",
    Measure.PRODUCING: "producing_projects",
    Measure.FUNDS: "funds_in_place",
    Measure.JJJ: "jjj_projects",
}


@dataclass(frozen=True)
class Headline:
    start: datetime.date
    end: datetime.date
    signed: int
    started: int
    producing: int
    funds_in_place: Decimal
    jjj_started: int
    jjj_started_funds: Decimal  # cumulative funds in place at `end` of the jjj projects
    under_review: int  # counted projects in a possible-duplicate pair nobody has dismissed


# Beijing, Tianjin and Hebei by their GB/T 2260 codes (names may be written differently).
JJJ_PROVINCE_CODES = ("110000", "120000", "130000")
ZERO = Decimal("0.00")
MONEY_FIELD = models.DecimalField(max_digits=MONEY["max_digits"] + 4, decimal_places=2)
ID_FIELD = models.BigIntegerField()
# The project's field holding the unit, per kind of unit.
UNIT_FIELDS = {Unit.COUNTY: "host_division_id", Unit.DEPARTMENT: "responsible_department_id"}


def counted_min_investment():
    return getattr(settings, "TRACKER_COUNTED_MIN_INVESTMENT", Decimal(10000))


# --- the project as it was at a date ----------------------------------------------------


def end_of_day(day):
    """The first instant after ``day`` in the local time zone (Asia/Shanghai)."""
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(midnight)


def as_at(projects, day, *fields):
    """``projects`` annotated with ``<field>_at`` for each of ``fields`` as it was at the
    end of ``day``: from the latest history record by then, else the earliest one (rows
    written before history was kept, or imported with later dates), else the row itself."""
    history = Project.history.model.objects.filter(id=OuterRef("pk"))
    by_then = history.filter(history_date__lt=end_of_day(day)).order_by(
        "-history_date", "-history_id"
    )
    earliest = history.order_by("history_date", "history_id")
    projects = projects.annotate(
        history_at=Coalesce(
            Subquery(by_then.values("history_id")[:1]),
            Subquery(earliest.values("history_id")[:1]),
        )
    )
    record = Project.history.model.objects.filter(history_id=OuterRef("history_at"))
    return projects.annotate(
        **{
            f"{name}_at": Case(
                When(history_at__isnull=True, then=F(name)),
                default=Subquery(record.values(name)[:1]),
                output_field=MONEY_FIELD if name == "total_investment" else ID_FIELD,
            )
            for name in fields
        }
    )


def funds_at(day):
    """A project's cumulative funds in place at the end of ``day``: its latest report's."""
    latest = ProjectUpdate.objects.filter(project=OuterRef("pk"), reported_on__lte=day).order_by(
        "-reported_on", "-created_at", "-pk"
    )
    return Coalesce(
        Subquery(latest.values("funds_in_place")[:1]), Value(ZERO), output_field=MONEY_FIELD
    )


def jjj_origins():
    """The divisions within Beijing, Tianjin and Hebei (a subquery, not a list)."""
    codes = JJJ_PROVINCE_CODES
    return Division.objects.filter(
        Q(code__in=codes)
        | Q(parent__code__in=codes)
        | Q(parent__parent__code__in=codes)
        | Q(parent__parent__parent__code__in=codes)
    ).values("pk")


# --- the figures ------------------------------------------------------------------------


@contextlib.contextmanager
def without_jit():
    """On PostgreSQL, no JIT compilation for the figures' query: its correlated subqueries
    make the planner's cost estimate huge, and compiling then takes seconds where running
    takes a tenth of one (100,000 projects, 300,000 reports; docs/targets.md, Speed)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def counted(start, end, unit_field, code):
    """The projects of the tenant ``code`` with something to count from ``start`` to
    ``end``, annotated with the unit they had at ``end`` (``unit_at``), their funds then and
    the day before ``start``, and whether they count as Beijing-Tianjin-Hebei projects
    started in the period."""
    span = (start, end)
    reported = ProjectUpdate.objects.filter(reported_on__range=span).values("project")
    projects = Project.objects.for_tenants([code]).filter(
        Q(signed_on__range=span)
        | Q(started_on__range=span)
        | Q(produced_on__range=span)
        | Q(pk__in=reported)
    )
    projects = as_at(projects, end, unit_field, "origin_id", "total_investment")
    return projects.annotate(
        unit_at=F(f"{unit_field}_at"),
        funds_end=funds_at(end),
        funds_before=funds_at(start - datetime.timedelta(days=1)),
        is_jjj=Case(
            When(
                Q(started_on__range=span)
                & Q(origin_id_at__in=jjj_origins())
                & Q(total_investment_at__gte=counted_min_investment()),
                then=Value(True),
            ),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    )


def sums(start, end):
    """The aggregates of every measure, keyed by Measure value (and the jjj funds)."""
    span = (start, end)
    return {
        Measure.SIGNED.value: Count("pk", filter=Q(signed_on__range=span)),
        Measure.STARTED.value: Count("pk", filter=Q(started_on__range=span)),
        Measure.PRODUCING.value: Count("pk", filter=Q(produced_on__range=span)),
        Measure.FUNDS.value: Coalesce(
            Sum(F("funds_end") - F("funds_before"), output_field=MONEY_FIELD),
            Value(ZERO),
            output_field=MONEY_FIELD,
        ),
        Measure.JJJ.value: Count("pk", filter=Q(is_jjj=True)),
    }


def zeros():
    return {measure.value: (ZERO if measure == Measure.FUNDS else 0) for measure in Measure}


def clean(row):
    return {
        measure.value: (
            Decimal(row[measure.value]).quantize(ZERO)
            if measure == Measure.FUNDS
            else int(row[measure.value])
        )
        for measure in Measure
    }


def actuals(unit, start, end, tenant=None):
    """Per unit id: every measure's value for what happened from ``start`` to ``end`` (both
    included), each project counted once, for the unit it belonged to at ``end``. Every
    unit of ``units(unit, end.year, tenant)`` is there (zeros when nothing happened), and
    so is any other unit a counted project of the tenant belonged to. A province's cities
    (``Unit.CITY``): each city's own headline figures."""
    code = tenant_code(tenant)
    if unit == Unit.CITY:
        with without_jit():
            refs = units(unit, end.year, code)
            return {ref.id: clean(city_totals(start, end, ref.code)[1]) for ref in refs}
    if unit not in UNIT_FIELDS:
        raise ValueError(f"unknown unit: {unit!r}")
    with without_jit():
        result = {ref.id: zeros() for ref in units(unit, end.year, code)}
        rows = list(
            counted(start, end, UNIT_FIELDS[unit], code)
            .order_by()
            .values("unit_at")
            .annotate(**sums(start, end))
        )
    for row in rows:
        result[row["unit_at"]] = clean(row)
    return result


def city_totals(start, end, code):
    """(the counted projects, their aggregates) of the city ``code``: the projects its
    counties hosted at ``end`` (inside ``without_jit``)."""
    counties = [ref.id for ref in units(Unit.COUNTY, end.year, code)]
    projects = counted(start, end, UNIT_FIELDS[Unit.COUNTY], code).filter(unit_at__in=counties)
    totals = projects.order_by().aggregate(
        **sums(start, end),
        jjj_funds=Coalesce(
            Sum("funds_end", filter=Q(is_jjj=True), output_field=MONEY_FIELD),
            Value(ZERO),
            output_field=MONEY_FIELD,
        ),
    )
    return projects, totals


def headline(start, end, tenant=None, cities=None):
    """The tenant's figures from ``start`` to ``end``: for a city, the projects its counties
    hosted at ``end``, as the bulletin's first paragraph tells them; for a province, the sum
    of its cities' own figures (``cities``: ``province_cities`` of the tenant, if known)."""
    code = tenant_code(tenant)
    cities = province_cities(code) if cities is None else cities
    if cities:
        return summed(start, end, [headline(start, end, city) for city, _name in cities])
    with without_jit(), acting_for(code):  # the city's own review (projects.duplicates)
        projects, totals = city_totals(start, end, code)
        # As of the period's end: a pair dismissed later leaves an old bulletin as it was.
        reviewing = under_review(projects.values_list("pk", flat=True), as_of=end)
    figures = clean(totals)
    return Headline(
        start=start,
        end=end,
        signed=figures[Measure.SIGNED],
        started=figures[Measure.STARTED],
        producing=figures[Measure.PRODUCING],
        funds_in_place=figures[Measure.FUNDS],
        jjj_started=figures[Measure.JJJ],
        jjj_started_funds=Decimal(totals["jjj_funds"]).quantize(ZERO),
        under_review=len(reviewing),
    )


def summed(start, end, parts):
    """One Headline adding up ``parts`` (the cities' own, for their province)."""
    names = ("signed", "started", "producing", "jjj_started", "under_review")
    totals = {name: sum(getattr(part, name) for part in parts) for name in names}
    for name in ("funds_in_place", "jjj_started_funds"):
        totals[name] = sum((getattr(part, name) for part in parts), ZERO)
    return Headline(start=start, end=end, **totals)
