"""Reading pages of long lists: ids first, and counts that stop at a cap."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


def page_depth():
    """How many rows from either end of a list page numbers reach (TRACKER_PAGE_DEPTH)."""
    return getattr(settings, "TRACKER_PAGE_DEPTH", 10_000)


def count_cap():
    """Up to how many rows a list is counted exactly (TRACKER_COUNT_CAP)."""
    return getattr(settings, "TRACKER_COUNT_CAP", 10_000)


def search_reach():
    """How many rows of a text search the API counts and reaches by page number
    (TRACKER_SEARCH_REACH); its cursor reaches the rest."""
    return getattr(settings, "TRACKER_SEARCH_REACH", 1_000)


def capped_count(queryset, cap):
    """The number of rows if at most ``cap``, else None, from ``SELECT count(*) FROM
    (SELECT id ... LIMIT cap + 1)``: with many matches the scan stops after cap + 1 rows,
    with few the filter's index serves it. (A ledger's count is exact or absent, never an
    estimate.)"""
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return counted if counted <= cap else None


class IdsFirstPaginator(Paginator):
    """Reads a page's ids first, then the rows of those ids with their joins.

    Deep pages (OFFSET 100,000) then skip over narrow index entries instead of over
    joined rows: with the list's order in a covering index the id query reads the index
    alone, and the joins and prefetches run for the page's rows only. Used by the API's
    lists and the admin's. (A window count in the id query, to save the count query, was
    tried and dropped: it misleads PostgreSQL's planner into walking an index for rows it
    must all read anyway.)
    """

    def page(self, number):
        queryset = self.object_list
        if not hasattr(queryset, "values_list"):  # a plain list: nothing to defer
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        # Same joins and prefetches; the order is the ids' order, so the database need not sort.
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        return Page([rows[pk] for pk in ids], number, self)


class MoreThan(int):
    """A count known only to be above the cap: cap + 1 for arithmetic (the pages reach as
    far as the cap), shown as "10,000+" wherever a template prints it."""

    def __str__(self):
        return f"{int(self) - 1:,}+"


class CappedCountPaginator(IdsFirstPaginator):
    """The admin's paginator for lists too long to count: ``count`` is what ``counted()``
    answers (set per request by the admin: an exact count from a tally, a MoreThan, or
    None when it has none), else the capped count; past the cap ``MoreThan(cap + 1)``."""

    counted = None

    def page(self, number):
        """Pages nearer the end than the start are read in the reversed order (the
        admin's orderings are total: Django completes them with the primary key), so the
        last page skips as few index entries as the first."""
        queryset = self.object_list
        if isinstance(self.count, MoreThan) or not hasattr(queryset, "values_list"):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom <= self.count - top:
            return super().page(number)
        ids = list(
            queryset.reverse().values_list("pk", flat=True)[self.count - top : self.count - bottom]
        )
        ids.reverse()
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        return Page([rows[pk] for pk in ids], number, self)

    @cached_property
    def count(self):
        exact = self.counted() if self.counted is not None else None
        if exact is None:
            exact = capped_count(self.object_list, count_cap())
        return MoreThan(count_cap() + 1) if exact is None else exact
