"""Sources written as queries: an ``ItemQuery`` is one query of a deadline or reporting
source whose rows make the source's items. The database then does what would otherwise
read every row of a city (tens of thousands at province scale): each department's most
urgent rows and its count (``top_per_department``), one department's rows
(``ItemQuery.of_department``), how many each department has (``count_per_department``).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, Case, Count, F, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from core.snapshots import one_snapshot
from core.streaming import chunks


@dataclass(frozen=True)
class ItemQuery:
    """One query of a deadline source (``open_queries``/``completed_queries``): its rows as
    tuples (``fields``, the pk first) and how each row makes a ``DeadlineItem``. The
    reminders stream it in keyset chunks (``items``); the digests ask the database for
    each department's most urgent rows only (``top_per_department``)."""

    queryset: object
    fields: tuple
    make: Callable  # row tuple (``fields``, maybe more columns after) -> DeadlineItem
    department: str  # the department's column among ``fields``
    date: str  # the date the items are ordered by (deadline, or completion)
    code: object = "code"  # the code, a field name or an expression (ties: then the pk)
    # Items -> the same items completed with what the rows leave out, in one query for
    # them all (an owed item's last report: read for the rows kept, not for every row).
    complete: Callable | None = None
    # An index leads with the department, then ``date``, over the rows of ``queryset``:
    # ``top_per_department`` then counts each department's rows from the index alone and
    # reads its first ones by a range scan each, instead of ranking every row in a window.
    department_first: bool = False

    def items(self):
        for chunk in chunks(self.queryset.values_list(*self.fields), key_index=0):
            yield from self.completed([self.make(row) for row in chunk])

    def completed(self, items):
        return self.complete(items) if self.complete and items else items

    def of_department(self, department_id):
        """The same query narrowed to one department's rows, in SQL."""
        narrowed = self.queryset.filter(**{self.department: department_id})
        return dataclasses.replace(self, queryset=narrowed)

    def count_per_department(self, by_date=False):
        """{department id: how many rows}, or with ``by_date`` {(department id, date): how
        many}, counted in SQL without reading the rows."""
        columns = (self.department, self.date) if by_date else (self.department,)
        rows = self.queryset.order_by().values_list(*columns).annotate(n=Count("pk"))
        if by_date:
            return {(department, date): n for department, date, n in rows}
        return dict(rows)


class QueriedSource:
    """A deadline source written as queries (``open_queries``, ``completed_queries``, each
    yielding ``ItemQuery``s): its items are those queries' rows, as tuples in keyset
    chunks, so memory stays flat with or without server-side cursors."""

    def open_items(self, due_by):
        for query in self.open_queries(due_by):
            yield from query.items()

    def completed_items(self, start, end):
        for query in self.completed_queries(start, end):
            yield from query.items()


def top_per_department(query, limit, split_before=None):
    """Each department's first ``limit`` items of ``query`` in (date, code, pk) order and
    how many it has in all, computed in SQL (``row_number()`` and ``count(*)`` over each
    department): (department id, overdue, total, items), without reading every row. With
    ``split_before`` (a day) the items dated before it ("overdue") and the others are
    counted and cut apart; otherwise ``overdue`` is False throughout."""
    if query.department_first:
        return first_per_department(query, limit, split_before)
    rows = query.queryset.annotate(top_overdue=overdue_flag(query, split_before))
    partition = [F(query.department)]
    if split_before is not None:
        partition.append(F("top_overdue"))
    rows = (
        rows.annotate(
            top_rank=Window(RowNumber(), partition_by=partition, order_by=item_order(query)),
            top_total=Window(Count("pk"), partition_by=partition),
        )
        .filter(top_rank__lte=limit)
        .order_by()
    )
    where = query.fields.index(query.department)
    groups, kept = {}, []
    for row in rows.values_list(*query.fields, "top_overdue", "top_total"):
        groups.setdefault((row[where], row[-2]), (row[-1], []))[1].append(len(kept))
        kept.append(query.make(row))
    return cut(query, groups, kept)


def overdue_flag(query, split_before):
    """True for a row dated before ``split_before``; False throughout without one."""
    if split_before is None:
        return Value(False, output_field=BooleanField())
    overdue = When(**{f"{query.date}__lt": split_before}, then=Value(True))
    return Case(overdue, default=Value(False), output_field=BooleanField())


def item_order(query):
    """Each department's items in (date, code, pk) order: most urgent first."""
    code = F(query.code) if isinstance(query.code, str) else query.code
    return [F(query.date).asc(), code.asc(), F("pk").asc()]


def cut(query, groups, kept):
    kept = query.completed(kept)
    for (department_id, is_overdue), (total, positions) in groups.items():
        # Never fewer than listed (the counts and the rows from two statements, in a
        # transaction of the caller's that is not one snapshot).
        yield department_id, is_overdue, max(total, len(positions)), [kept[i] for i in positions]


def first_per_department(query, limit, split_before=None):
    """``top_per_department`` in two queries served by a department-first index: each
    (department, overdue) group's count (from the index alone), then each group's first
    ``limit`` rows, one ordered range scan a group (``first_rows``). At 1,000,000
    projects the largest city's 20,000 production milestones due took 50-110 ms ranked
    in a window (every row read and sorted), and take 10-15 ms here."""
    rows = query.queryset.order_by().annotate(top_overdue=overdue_flag(query, split_before))
    # count(*), not count(pk): the index need not hold the primary key.
    counts = rows.values_list(query.department, "top_overdue")
    counts = counts.annotate(top_total=Count("*")).order_by()
    # One snapshot, as the window's one statement is: a row written between the counts and
    # the rows would otherwise be listed beyond its count ("and -1 more").
    with one_snapshot(rows.db):
        groups = {(department, overdue): (total, []) for department, overdue, total in counts}
        found = list(first_rows(query, list(groups), limit, split_before))
    where, date = query.fields.index(query.department), query.fields.index(query.date)
    kept = []
    for row in found:
        is_overdue = split_before is not None and row[date] < split_before
        groups[row[where], is_overdue][1].append(len(kept))
        kept.append(query.make(row))
    return cut(query, groups, kept)


def first_rows(query, groups, limit, split_before):
    """The first ``limit`` rows of ``query`` of each (department, overdue) group, each
    group's in (date, code, pk) order. On PostgreSQL one query: the groups as ``VALUES``
    joined LATERAL to the rows, the query compiled once whatever the number of groups
    (a group without a department, if a source has one, a query of its own); elsewhere
    (SQLite, no LATERAL) a query a group."""
    order = item_order(query)
    rows = query.queryset.order_by()
    # SQLite has no LATERAL; and "= department" matches no NULL, which IS NULL must ask.
    lateral = connections[rows.db].vendor == "postgresql"
    apart = [group for group in groups if not lateral or group[0] is None]
    yield from (
        row
        for department_id, is_overdue in apart
        for row in group_rows(query, rows, department_id, is_overdue, split_before)
        .order_by(*order)
        .values_list(*query.fields)[:limit]
    )
    groups = [group for group in groups if group not in apart]
    if groups:
        yield from lateral_rows(query, rows, order, groups, limit, split_before)


def lateral_rows(query, rows, order, groups, limit, split_before):
    """``first_rows`` of ``groups`` in one PostgreSQL query."""
    branch = rows.filter(**{query.department: RawSQL("top_groups.department", ())})
    if split_before is not None:
        branch = branch.filter(
            **{
                f"{query.date}__gte": RawSQL("top_groups.starts", ()),
                f"{query.date}__lt": RawSQL("top_groups.ends", ()),
            }
        )
    sql, params = branch.order_by(*order).values_list(*query.fields)[:limit].query.sql_with_params()
    connection = connections[rows.db]
    types = [column_type(rows.model, name, connection) for name in (query.department, query.date)]
    one = f"(%s::{types[0]}, %s::{types[1]}, %s::{types[1]})"
    values, bounds = [], []
    for department_id, is_overdue in groups:
        values.append(one)
        starts, ends = ("-infinity", split_before) if is_overdue else (split_before, "infinity")
        bounds += [department_id, starts, ends]
    # Rows as the driver gives them, without Django's converters: the columns of these
    # sources (ids, codes, titles, dates) need none on PostgreSQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT top_rows.* FROM (VALUES {', '.join(values)}) "
            f"AS top_groups(department, starts, ends) CROSS JOIN LATERAL ({sql}) AS top_rows",
            [*bounds, *params],
        )
        return cursor.fetchall()


def column_type(model, name, connection):
    """The database type of the model's column ``name`` (a field's name or attname; a
    foreign key's is its target's): what the ``VALUES`` of ``first_rows`` are cast to."""
    return model._meta.get_field(name).db_type(connection)


def group_rows(query, rows, department_id, is_overdue, split_before):
    rows = rows.filter(**{query.department: department_id})
    if split_before is None:
        return rows
    return rows.filter(**{f"{query.date}__{'lt' if is_overdue else 'gte'}": split_before})
