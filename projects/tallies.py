"""Project statistics answered from ProjectTally (issue 20): the declaration its triggers are
generated from, and the read path.

The cells (core.tallies) are keyed by dimension, year (0: all years), tenant and stage, so
each tenant rule is an exact sum of cells: a city reads its own tenant; a province's coarse
question its own and its cities' tenants at every stage; a finer one its own tenant, or its
cities' at the shared stages (core.rest.stats.aggregated, core.tenancy.read_rule).

Covered (else None, and the caller answers from the rows): groupings by stage, year, city,
origin_province, host_division, park, industry_chain, base_function and month, filtered by
year and stage, plus one dimension filter (origin_province, host_division, park,
industry_chain, base_function, responsible_department) when grouping by stage, year or city
or by that dimension itself, plus origin_province with host_division, industry_chain or
month. Not covered: ``origin``, ``is_key``, ``milestone_overdue``, ``has_open_blockers``,
two dimension filters, regional users (their chain groups are not in the cells).
"""

import contextlib
import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from core.rest.stats import is_coarse
from core.tallies import Dependency, Tally
from core.tenancy import reach_of, shared_stages
from regions.choices import DivisionLevel
from tracker.tallies import TASK_TALLY

# The province an investor comes from: the same Case as the origin_province grouping
# (projects.api.stats.GROUPINGS), over the division and its parent.
ORIGIN_PROVINCE = (
    "coalesce((SELECT CAST(CASE WHEN o.level = 'province' THEN o.id"
    " WHEN p.level = 'province' THEN p.id ELSE p.parent_id END AS TEXT)"
    " FROM regions_division o LEFT JOIN regions_division p ON p.id = o.parent_id"
    " WHERE o.id = {r}.origin_id), '')"
)


def id_key(column):
    return f"coalesce(CAST({{r}}.{column} AS TEXT), '')"


def cents(column):
    return f"CAST(round({{r}}.{column} * 100) AS BIGINT)"


PROJECT_TALLY = Tally(
    table="projects_projecttally",
    source="projects_project",
    group=("year", "tenant_id", "stage"),
    all_of="year",
    sums={
        "projects": "1",
        "total_investment_cents": cents("total_investment"),
        "funds_in_place_cents": cents("funds_in_place"),
    },
    keys={
        "origin_province": ORIGIN_PROVINCE,
        "host_division": id_key("host_division_id"),
        "park": id_key("park_id"),
        "industry_chain": id_key("industry_chain_id"),
        "base_function": "{r}.base_function",
        "responsible_department": id_key("responsible_department_id"),
        "signed_month": {
            "postgresql": "coalesce(to_char({r}.signed_on, 'YYYY-MM'), '')",
            "sqlite": "coalesce(strftime('%Y-%m', {r}.signed_on), '')",
        },
    },
    dims={
        "": (),
        "origin_province": ("origin_province",),
        "host_division": ("host_division",),
        "park": ("park",),
        "industry_chain": ("industry_chain",),
        "base_function": ("base_function",),
        "responsible_department": ("responsible_department",),
        "signed_month": ("signed_month",),
        "origin_province+host_division": ("origin_province", "host_division"),
        "origin_province+industry_chain": ("origin_province", "industry_chain"),
        "origin_province+signed_month": ("origin_province", "signed_month"),
    },
    read_columns=(
        "year",
        "tenant_id",
        "stage",
        "total_investment",
        "funds_in_place",
        "origin_id",
        "host_division_id",
        "park_id",
        "industry_chain_id",
        "base_function",
        "responsible_department_id",
        "signed_on",
    ),
    # Re-parenting a division (or changing its level) moves investors between provinces.
    depends_on=(Dependency("regions_division", ("parent_id", "level"), ("origin_province",)),),
)


# What ``check`` and ``rebuilt_after_bulk_load`` cover: the projects' cells and the key
# tasks' (tracker.tallies).
TALLIES = (PROJECT_TALLY, TASK_TALLY)


def integer(key):
    return int(key) if key else None


def month(key):
    return datetime.date(int(key[:4]), int(key[5:7]), 1) if key else None


# group_by -> (dim, tally column grouped on, stored key -> the rows path's group key)
GROUPS = {
    "stage": ("", "stage", str),
    "year": ("", "year", int),
    "city": ("", "tenant_id", str),
    "origin_province": ("origin_province", "key", integer),
    "host_division": ("host_division", "key", integer),
    "park": ("park", "key", integer),
    "industry_chain": ("industry_chain", "key", integer),
    "base_function": ("base_function", "key", str),  # "" stays "", as the rows group it
    "month": ("signed_month", "key", month),
}
# Filters that are a dimension of their own.
DIM_FILTERS = (
    "origin_province",
    "host_division",
    "park",
    "industry_chain",
    "base_function",
    "responsible_department",
)
# Grouped under an origin_province filter: the pair dims.
PAIRS = {
    "host_division": "origin_province+host_division",
    "industry_chain": "origin_province+industry_chain",
    "month": "origin_province+signed_month",
}
UNCOVERED_FILTERS = ("origin", "is_key", "milestone_overdue", "has_open_blockers")
# What a list's query may carry besides its filters without changing its count.
LIST_PARAMS = {"page", "page_size", "ordering", "format", "cursor", "group_by"}


def cells(user, filters, group_by, *, coarse):
    """(cells of ProjectTally, dim, column grouped on, key decoder, key prefix) or None."""
    from regions.models import Division

    from .models import ProjectTally

    scope = tenant_rule(user, coarse)
    if scope is None or group_by not in GROUPS:
        return None
    active = {name: value for name, value in filters.items() if value not in (None, "")}
    if any(name in active for name in UNCOVERED_FILTERS):
        return None
    dim, column, decode = GROUPS[group_by]
    prefix = ""
    narrowing = [name for name in DIM_FILTERS if name in active]
    if len(narrowing) > 1:
        return None
    rows = ProjectTally.objects.filter(scope)
    if narrowing:
        (name,) = narrowing
        value = active[name]
        value = str(getattr(value, "pk", value))
        if name == "origin_province" and not (
            # The filter matches the origin or one of its two parents; that is the
            # grouping's province only when the id is a province's.
            Division.objects.filter(pk=value, level=DivisionLevel.PROVINCE).exists()
        ):
            return None
        if column != "key":
            dim = name
            rows = rows.filter(key=value)
        elif GROUPS[group_by][0] == name:
            rows = rows.filter(key=value)
        elif name == "origin_province" and group_by in PAIRS:
            dim = PAIRS[group_by]
            prefix = f"{value}|"
            rows = rows.filter(key__startswith=prefix)
        else:
            return None
    year = active.get("year")
    if year is not None:
        if year < 1:  # no ledger year; 0 is the tally's "all years"
            return None
        rows = rows.filter(year=year)
    elif group_by == "year":
        rows = rows.exclude(year=0)
    else:
        rows = rows.filter(year=0)
    if "stage" in active:
        rows = rows.filter(stage=active["stage"])
    return rows.filter(dim=dim), column, decode, prefix


def tenant_rule(user, coarse):
    """The cells ``user``'s statistics read, as a Q (None: answer from the rows)."""
    reach = reach_of(user)
    if reach.everything:
        return Q()
    if reach.region_cities or not reach.own:
        return None
    if coarse or not reach.cities:
        return Q(tenant_id__in=reach.own + reach.cities)
    rule = Q(tenant_id__in=reach.own)
    if shared_stages():
        rule |= Q(tenant_id__in=reach.cities, stage__in=shared_stages())
    return rule


def tally_groups(user, params, group_by, filters=None):
    """The groups of ``group_by`` for ``params`` (a QueryDict of the stats filters) in the
    rows path's order: ``[{"key": ..., "projects": int, "total_investment": Decimal,
    "funds_in_place": Decimal}]`` (the key as the rows group it: an id, a code, a year, a
    month's first day), or None when the tally does not cover them.
    ``filters``: the filterset's cleaned values (read from ``params`` when not given)."""
    if filters is None:
        filters = cleaned(params)
        if filters is None:
            return None
    found = cells(user, filters, group_by, coarse=is_coarse(params))
    if found is None:
        return None
    rows, column, decode, prefix = found
    summed = rows.values(column).annotate(
        projects_sum=Sum("projects"),
        total=Sum("total_investment_cents"),
        funds=Sum("funds_in_place_cents"),
    )
    groups = [
        {
            "key": decode(row[column][len(prefix) :] if prefix else row[column]),
            "projects": row["projects_sum"],
            "total_investment": Decimal(row["total"]).scaleb(-2),
            "funds_in_place": Decimal(row["funds"]).scaleb(-2),
        }
        for row in summed
    ]
    # The rows path's order: -funds_in_place, then the key, NULL last on PostgreSQL and
    # first on SQLite (each engine's ascending order).
    nulls_last = connection.vendor == "postgresql"
    groups.sort(key=lambda g: (-g["funds_in_place"], *null_order(g["key"], nulls_last)))
    return groups


def null_order(key, nulls_last):
    if key is None:
        return (1 if nulls_last else -1, 0)
    return (0, key)


def cleaned(params):
    from .api.filters import ProjectFilter

    filterset = ProjectFilter(params, queryset=None)
    return filterset.form.cleaned_data if filterset.is_valid() else None


def tally_count(user, params):
    """The number of projects the list would hold for ``params`` (the list's filters) as the
    user sees them (core.ownership.visible_to), or None when not covered."""
    if set(params) - LIST_PARAMS - set(cleaned_names()):
        return None  # search or anything else the cells do not know
    filters = cleaned(params)
    if filters is None:
        return None
    found = cells(user, filters, "stage", coarse=False)
    if found is None:
        return None
    rows = found[0]
    return rows.aggregate(n=Sum("projects"))["n"] or 0


def cleaned_names():
    from .api.filters import ProjectFilter

    return ProjectFilter.base_filters.keys()


def tally_years(user):
    """The ledger years the user's visible projects have, newest first, or None."""
    from .models import ProjectTally

    scope = tenant_rule(user, coarse=False)
    if scope is None:
        return None
    rows = ProjectTally.objects.filter(scope, dim="").exclude(year=0)
    return list(rows.values_list("year", flat=True).distinct().order_by("-year"))


def record_check(tenant, found, *, repaired):
    """Keep the check's outcome for /healthz (projects.tally_health)."""
    from .models import TallyCheck  # the models declare their tally from this module

    TallyCheck.objects.create(
        checked_at=timezone.now(),
        tenant_id=tenant or "",
        differing=len(found),
        repaired=repaired,
        first_difference=repr(found[0])[:255] if found else "",
    )


def check(tenant=None, repair=False):
    """Differences between the stored cells and the projects (of ``tenant``), as core.tallies
    ``differences``; with ``repair`` the cells are rebuilt when any differ."""
    from django.db import transaction

    from core.tallies import differences, rebuild

    scope = {"tenant_id": tenant} if tenant else None
    outermost = not connection.in_atomic_block
    found = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost and connection.vendor == "postgresql":
            # Both reads (the rows, the cells) from one snapshot: a write committed
            # between them is no difference.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for tally in TALLIES:
            found[tally.table] = differences(cursor, tally, connection.vendor, scope)
    for tally in TALLIES:
        if found[tally.table] and repair:
            # A transaction of its own: each statement reads what committed before the lock.
            with transaction.atomic(), connection.cursor() as cursor:
                rebuild(cursor, tally, connection.vendor, scope)
    found = [
        ((tally.table, *cell), expected, stored)
        for tally in TALLIES
        for cell, expected, stored in found[tally.table]
    ]
    record_check(tenant, found, repaired=bool(found and repair))
    return found


@contextlib.contextmanager
def rebuilt_after_bulk_load():
    """For a bulk load inside the caller's transaction (the bench's millions of rows): on
    PostgreSQL the project triggers are off while it writes and the cells are rebuilt from
    the rows once at the end, in the same transaction, so nobody sees them differ. A
    statement trigger per COPY of 5,000 rows costs several times the COPY itself; one
    GROUP BY at the end costs what the migration's backfill does. SQLite keeps its row
    triggers (the embedded default never loads at that scale)."""
    from core.tallies import rebuild

    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("a bulk load keeps the cells exact only inside one transaction")

    def switch(cursor, state):
        # ALTER TABLE refuses while foreign-key checks of rows already written wait for
        # the commit (Django's are deferred): run them now, then defer again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for tally in TALLIES:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"ALTER TABLE {tally.source} {state} TRIGGER {tally.name(event)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    with connection.cursor() as cursor:
        switch(cursor, "DISABLE")
    yield
    with connection.cursor() as cursor:
        switch(cursor, "ENABLE")
        for tally in TALLIES:
            rebuild(cursor, tally, connection.vendor)
