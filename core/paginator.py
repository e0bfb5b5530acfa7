from django.core.paginator import Page, Paginator


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
