"""Key-task statistics answered from TaskTally (issue 20): the declaration its triggers are
generated from, and the read path.

The cells (core.tallies) count the tasks per dimension, year (0: all years), tenant and
status, which gives every count of a group but two exactly: ``tasks``, ``done``,
``in_progress``, ``not_started`` and ``cancelled``. The other two depend on today:
``overdue`` (open, due before today) and ``due_soon`` (open, due within 14 days). They are
read from the rows of the open tasks not due yet (``future_rows``, over the status and
deadline index): overdue = open − not due yet. That side stays small whatever the years
of history, since tasks past their deadline pile up over the years and tasks not due yet
are the current plans'.

Covered (else None, and the caller answers from the rows): grouping by department,
work_point, aspect, month (of the deadline) or city, filtered by year and status, for a
superuser, a city's users and a province's (key tasks are read whole by the province,
``province_reads_whole``). Not covered: any other filter, regional users.
"""

import datetime

from django.db.models import Count, Q, Sum

from core.snapshots import one_snapshot  # the cells and the tasks not due yet agree
from core.tallies import Dependency, Tally
from core.tenancy import reach_of

from .choices import OPEN_TASK_STATUSES, TaskStatus

TASK_TALLY = Tally(
    table="tracker_tasktally",
    source="tracker_keytask",
    group=("year", "tenant_id", "status"),
    all_of="year",
    sums={"tasks": "1"},
    keys={
        "department": "CAST({r}.lead_department_id AS TEXT)",
        "work_point": "CAST({r}.work_point_id AS TEXT)",
        "aspect": (
            "coalesce((SELECT w.aspect FROM tracker_workpoint w"
            " WHERE w.id = {r}.work_point_id), '')"
        ),
        "month": {
            "postgresql": "to_char({r}.deadline, 'YYYY-MM')",
            "sqlite": "strftime('%Y-%m', {r}.deadline)",
        },
    },
    dims={
        "": (),
        "department": ("department",),
        "work_point": ("work_point",),
        "aspect": ("aspect",),
        "month": ("month",),
    },
    read_columns=("year", "tenant_id", "status", "lead_department_id", "work_point_id", "deadline"),
    # Moving a work point to another aspect moves its tasks between the aspect's cells.
    # Only the changed work points' cities are recounted (their tenant is the tasks').
    depends_on=(Dependency("tracker_workpoint", ("aspect",), ("aspect",), scope="tenant_id"),),
)


def month(key):
    return datetime.date(int(key[:4]), int(key[5:7]), 1)


# group_by -> (dim, tally column grouped on, stored key -> the rows path's group key)
GROUPS = {
    "department": ("department", "key", int),
    "work_point": ("work_point", "key", int),
    "aspect": ("aspect", "key", str),
    "month": ("month", "key", month),
    "city": ("", "tenant_id", str),
}
COVERED_FILTERS = {"year", "status"}
STATUS_COUNTS = {
    TaskStatus.DONE: "done",
    TaskStatus.IN_PROGRESS: "in_progress",
    TaskStatus.NOT_STARTED: "not_started",
    TaskStatus.CANCELLED: "cancelled",
}


def tenant_rule(user):
    """The cells ``user``'s task statistics read, as a Q (None: answer from the rows). A
    province reads its cities' tasks whole (coarse or fine), as its rows do."""
    reach = reach_of(user)
    if reach.everything:
        return Q()
    if reach.region_cities or not reach.own:
        return None
    return Q(tenant_id__in=reach.own + reach.cities)


def tally_years(user):
    """The years of the key tasks ``user`` reads, newest first, or None (not covered)."""
    from .models import TaskTally

    scope = tenant_rule(user)
    if scope is None:
        return None
    rows = TaskTally.objects.filter(scope, dim="").exclude(year=0)
    return list(rows.values_list("year", flat=True).distinct().order_by("-year"))


def cells(user, filters, group_by):
    """The TaskTally rows answering the question, or None when they do not cover it."""
    from .models import TaskTally

    scope = tenant_rule(user)
    if scope is None or group_by not in GROUPS:
        return None
    active = {name for name, value in filters.items() if value not in (None, "")}
    if active - COVERED_FILTERS:
        return None
    dim = GROUPS[group_by][0]
    rows = TaskTally.objects.filter(scope, dim=dim)
    year = filters.get("year")
    if year is not None and year < 1:  # 0 is the tally's "all years"
        return None
    rows = rows.filter(year=year or 0)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    return rows


def task_tally_groups(user, filters, group_by, future_rows, today, soon):
    """The groups of ``group_by`` as the rows path makes them (``tracker.api.stats``), in
    its order, or None when the tally does not cover the question. ``filters``: the
    filterset's cleaned values; ``future_rows``: the filtered rows with ``group_key``
    annotated (the caller's queryset), of which the open tasks due from ``today`` on are
    read; ``soon``: the last day of "due soon"."""
    found = cells(user, filters, group_by)
    if found is None:
        return None
    with one_snapshot(found.db):
        return groups_of(found, group_by, future_rows.using(found.db), today, soon)


def groups_of(found, group_by, future_rows, today, soon):
    _dim, column, decode = GROUPS[group_by]
    by_status = {
        name: Sum("tasks", filter=Q(status=status), default=0)
        for status, name in STATUS_COUNTS.items()
    }
    summed = found.values_list(column).annotate(every=Sum("tasks"), **by_status).order_by()
    names = ("tasks", *STATUS_COUNTS.values())
    groups = {decode(row[0]): dict(zip(names, row[1:], strict=True)) for row in summed}
    not_due = (
        future_rows.filter(status__in=OPEN_TASK_STATUSES, deadline__gte=today)
        .values("group_key")
        .annotate(later=Count("pk"), soon=Count("pk", filter=Q(deadline__lte=soon)))
        .order_by()
    )
    later = {row["group_key"]: row for row in not_due}
    rows = []
    for key, group in groups.items():
        ahead = later.get(key, {"later": 0, "soon": 0})
        overdue = group["not_started"] + group["in_progress"] - ahead["later"]
        rows.append({"group_key": key, **group, "overdue": overdue, "due_soon": ahead["soon"]})
    # The rows path's order: -overdue, then the key (NULL last on PostgreSQL, first on
    # SQLite; no key is NULL here: every task has its department, work point and deadline).
    rows.sort(key=lambda row: (-row["overdue"], row["group_key"]))
    return rows
