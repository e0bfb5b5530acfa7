"""Sources written as queries: an ``ItemQuery`` is one query of a deadline or reporting
source whose rows make the source's items. The database then does what would otherwise
read every row of a city (tens of thousands at province scale): each department's most
urgent rows and its count (``top_per_department``), one department's rows
(``ItemQuery.of_department``), how many each department has (``count_per_department``).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, F, Value, When, Window
from django.db.models.functions import RowNumber

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
    rows = query.queryset
    partition = [F(query.department)]
    if split_before is not None:
        overdue = When(**{f"{query.date}__lt": split_before}, then=Value(True))
        rows = rows.annotate(
            top_overdue=Case(overdue, default=Value(False), output_field=BooleanField())
        )
        partition.append(F("top_overdue"))
    else:
        rows = rows.annotate(top_overdue=Value(False, output_field=BooleanField()))
    code = F(query.code) if isinstance(query.code, str) else query.code
    rows = (
        rows.annotate(
            top_rank=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F(query.date).asc(), code.asc(), F("pk").asc()],
            ),
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
    kept = query.completed(kept)
    for (department_id, is_overdue), (total, positions) in groups.items():
        yield department_id, is_overdue, total, [kept[i] for i in positions]
