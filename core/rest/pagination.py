"""Three ways through a list: page numbers for people (``?page=N``), a cursor on lists that
declare their order as a key (``?cursor=``, core.keyset), and a keyset for a syncing client
(``?ordering=updated_at`` without ``page``; docs/api.md)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, filters
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.keyset import CURSOR_PARAM
from core.paginator import IdsFirstPaginator, capped_count, count_cap, page_depth, search_reach

from .sync import KeysetFilter, asks_for_keyset

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
PAGE_SIZE_DESCRIPTION = f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."


def page_size_error():
    return _("A whole number of at least 1 (at most %(max)s are given).") % {"max": MAX_PAGE_SIZE}


def envelope_schema(schema, *, count_description):
    """Every mode answers ``{count, count_more_than, next, previous, next_cursor,
    results}``; a keyset or cursor page's count is null (counting a table others write to
    is what the keyset avoids), and so is the count of a list longer than the count cap."""
    return {
        "type": "object",
        "required": ["count", "count_more_than", "next", "previous", "next_cursor", "results"],
        "properties": {
            "count": {"type": "integer", "nullable": True, "description": count_description},
            "count_more_than": {
                "type": "integer",
                "nullable": True,
                "description": "When count is null because the list holds more rows than "
                "are counted: that many (TRACKER_COUNT_CAP; TRACKER_SEARCH_REACH for a "
                "search). Null otherwise.",
            },
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "next_cursor": {
                "type": "string",
                "nullable": True,
                "description": "On lists in their default order: give it as cursor to read "
                "the rows after this page, at any depth. Null on the last page and on "
                "lists without a cursor.",
            },
            "results": schema,
        },
    }


def envelope(results, *, count=None, more_than=None, next=None, previous=None, cursor=None):
    return Response(
        {
            "count": count,
            "count_more_than": more_than,
            "next": next,
            "previous": previous,
            "next_cursor": cursor,
            "results": results,
        }
    )


class KeysetPagination(BasePagination):
    """A page of rows in (``field``, id) order after the position the filter
    (core.rest.sync.KeysetFilter) was given, without the rows written in the last
    TRACKER_SYNC_SETTLE_SECONDS, and with no COUNT query.

    The settle window is why no row is missed while others write: a row's timestamp is
    taken when it is saved, not when its transaction commits, so a slow transaction can
    commit a row stamped before one a client has already read. Leaving out the last
    seconds gives such a transaction that long to commit.
    """

    field = KeysetFilter.field
    after_param = KeysetFilter.after_param
    id_param = KeysetFilter.id_param
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        refuse_unless_counting(request, self.page_size_query_param, page_size_error())
        asked = request.query_params.get(self.page_size_query_param)
        return min(int(asked), MAX_PAGE_SIZE) if asked else DEFAULT_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None, now=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        settled = (now or timezone.now()) - datetime.timedelta(
            seconds=settings.TRACKER_SYNC_SETTLE_SECONDS
        )
        rows = queryset.filter(**{f"{self.field}__lte": settled}).order_by(self.field, "pk")
        self.rows = list(rows[: self.page_size])
        return self.rows

    def get_next_link(self):
        if len(self.rows) < self.page_size:
            return None
        last = self.rows[-1]
        stamp = timezone.localtime(getattr(last, self.field)).isoformat(timespec="microseconds")
        url = replace_query_param(self.request.build_absolute_uri(), self.after_param, stamp)
        return replace_query_param(url, self.id_param, last.pk)

    def get_paginated_response(self, data):
        return envelope(data, next=self.get_next_link())

    def get_paginated_response_schema(self, schema):
        return envelope_schema(
            schema, count_description="Always null: keyset pages are not counted."
        )

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": PAGE_SIZE_DESCRIPTION,
                "schema": {"type": "integer"},
            }
        ]


class TrackerPagination(PageNumberPagination):
    """``?page=N&page_size=M``: 50 rows by default, at most 500; with
    ``ordering=updated_at`` and no ``page``, a keyset page (KeysetPagination); on a list
    whose view declares ``list_key`` (core.keyset.ListKey), cursors and bounded page
    numbers (KeyedPagination)."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = PAGE_SIZE_DESCRIPTION
    django_paginator_class = IdsFirstPaginator
    keyset = None
    keyed = None

    def get_page_size(self, request):
        # DRF falls back to the default on a page_size it cannot read; a client that asked
        # for page_size=abc or -1 learns its mistake instead of getting 50 rows. Above the
        # maximum it gets the maximum, as DRF does (and the schema says).
        refuse_unless_counting(request, self.page_size_query_param, page_size_error())
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        # Checked even where no page is cut (an export): ?page=-3 is a mistake there too.
        refuse_unless_counting(request, self.page_query_param, _("A whole number of at least 1."))
        refuse_unless_counting(request, self.page_size_query_param, page_size_error())
        # A spreadsheet export is the whole filtered list, not one page.
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format in (
            "csv",
            "xlsx",
        ):
            return None
        if asks_for_keyset(request, view, queryset):
            self.keyset = KeysetPagination()
            return self.keyset.paginate_queryset(queryset, request, view)
        if has_list_key(view):
            self.keyed = KeyedPagination(self.get_page_size(request))
            return self.keyed.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.keyset is not None:
            return self.keyset.get_paginated_response(data)
        if self.keyed is not None:
            return self.keyed.get_paginated_response(data)
        return envelope(
            data,
            count=self.page.paginator.count,
            next=self.get_next_link(),
            previous=self.get_previous_link(),
        )

    def get_paginated_response_schema(self, schema):
        return envelope_schema(
            schema,
            count_description="Rows in the whole list; null in keyset and cursor modes "
            "(ordering=updated_at without page; cursor), and on a list with a cursor "
            "that holds more rows than are counted (see count_more_than).",
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        if not has_list_key(view):
            return parameters
        return [
            *parameters,
            {
                "name": CURSOR_PARAM,
                "in": "query",
                "required": False,
                "description": "The next_cursor of a page: the rows after it in the list's "
                "default order, at any depth (page and ordering are then not used). Page "
                "numbers reach TRACKER_PAGE_DEPTH rows from either end of the list, and "
                "TRACKER_SEARCH_REACH rows of a search.",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
            },
        ]


def refuse_unless_counting(request, name, message):
    """A 400 unless the query parameter ``name`` is absent or a whole number of at least 1."""
    value = request.query_params.get(name)
    if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise exceptions.ValidationError({name: [message]})


class KeyedPagination:
    """The pages of a list whose view declares ``list_key`` (core.keyset.ListKey):

    - ``?cursor=c``: the rows after the cursor in the key's order, by one index range scan
      at any depth; the envelope's ``next_cursor`` continues it. Not counted.
    - ``?page=N``: within TRACKER_PAGE_DEPTH rows of either end, by OFFSET from the start
      or, near the end, in the reversed key order (so the last page costs what the first
      does). Deeper is a 400 saying to follow ``next_cursor``; ``next`` turns into a
      cursor link before that, so a client following ``next`` never meets the wall.
    - ``count``: the view's ``tally_count()`` when it answers, else exact up to
      TRACKER_COUNT_CAP and null beyond it (``count_more_than`` then says the cap).
    - A text search (``?search=``) is counted, and reached by page number, up to
      TRACKER_SEARCH_REACH rows (1,000, as GitHub's search API): its matches are known
      only by reading each candidate row's text, so counting 10,000 of a frequent term, or
      skipping 5,000 to its page 100, reads as many rows scattered over the table (70-200
      ms at 1,000,000 projects). Its cursor still reaches every match.
    """

    def __init__(self, page_size):
        self.page_size = page_size

    def paginate_queryset(self, queryset, request, view):
        self.request = request
        self.key = view.list_key
        self.model = queryset.model
        # The view's own order (no ?ordering= that changed it) is the key's order.
        self.in_key_order = list(queryset.query.order_by) == self.key.ordering()
        reach = search_reach() if searching(request, view) else None
        self.cap = count_cap() if reach is None else min(reach, count_cap())
        self.depth = page_depth() if reach is None else min(reach, page_depth())
        cursor = request.query_params.get(CURSOR_PARAM)
        if cursor:
            return self.after_cursor(queryset, cursor)
        return self.numbered(queryset, view)

    def after_cursor(self, queryset, cursor):
        values = self.key.decode(cursor, self.model)
        ordered = queryset.order_by(*self.key.ordering())
        ids = ids_of(self.key.seek(ordered, values), 0, self.page_size + 1)
        self.count = self.more_than = self.previous = None
        self.has_next = len(ids) > self.page_size
        self.in_key_order = True
        self.rows = rows_of(queryset, ids[: self.page_size])
        self.next = None
        if self.has_next:
            url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
            self.next = replace_query_param(url, CURSOR_PARAM, self.next_cursor())
        return self.rows

    page_query_param = "page"

    def numbered(self, queryset, view):
        self.number = int(self.request.query_params.get(self.page_query_param) or 1)
        counted = getattr(view, "tally_count", lambda: None)()
        if counted is None:
            counted = capped_count(queryset, self.cap)
        self.count = counted
        self.more_than = None if counted is not None else self.cap
        bottom = (self.number - 1) * self.page_size
        if self.count is not None and bottom >= self.count and self.number > 1:
            raise exceptions.NotFound(_("Invalid page."))
        if not self.servable(self.number):
            raise exceptions.ValidationError(
                {
                    self.page_query_param: [
                        _(
                            "Pages deeper than %(depth)s rows from either end are not "
                            "served: follow next_cursor, or narrow the list with filters."
                        )
                        % {"depth": self.depth}
                    ]
                }
            )
        top = bottom + self.page_size
        if self.count is not None:
            top = min(top, self.count)
        if top <= self.depth or self.number == 1:
            ids = ids_of(queryset, bottom, top + 1)
            self.has_next = len(ids) > top - bottom
            ids = ids[: top - bottom]
        else:  # near the end: the reversed order, skipping the rows after this page
            reverse = queryset.order_by(*self.key.ordering(reverse=True))
            ids = ids_of(reverse, self.count - top, self.count - bottom)[::-1]
            self.has_next = top < self.count
        if not ids and self.number > 1:
            raise exceptions.NotFound(_("Invalid page."))
        self.rows = rows_of(queryset, ids)
        self.next = self.page_link(self.number + 1) if self.has_next else None
        if self.next is None and self.has_next and self.in_key_order:
            url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
            self.next = replace_query_param(url, CURSOR_PARAM, self.next_cursor())
        self.previous = self.page_link(self.number - 1) if self.number > 1 else None
        return self.rows

    def servable(self, number):
        """Whether page ``number`` lies within TRACKER_PAGE_DEPTH rows of the start, or (in
        the key's order, with an exact count) of the end."""
        if number == 1:
            return True  # whatever the depth or reach (an operator's setting) says
        depth = self.depth
        bottom = (number - 1) * self.page_size
        top = bottom + self.page_size
        if self.count is not None:
            top = min(top, self.count)
        if top <= depth:
            return True
        return self.in_key_order and self.count is not None and bottom >= self.count - depth

    def page_link(self, number):
        if not self.servable(number):
            return None
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def next_cursor(self):
        if not (self.has_next and self.in_key_order and self.rows):
            return None
        return self.key.encode(self.key.values(self.rows[-1]))

    def get_paginated_response(self, data):
        return envelope(
            data,
            count=self.count,
            more_than=self.more_than,
            next=self.next,
            previous=self.previous,
            cursor=self.next_cursor(),
        )


def searching(request, view):
    """Whether the request searches the list's text (``?search=`` with a term)."""
    return bool(getattr(view, "search_fields", None)) and bool(
        filters.SearchFilter().get_search_terms(request)
    )


def has_list_key(view):
    """A list (not a list under a record, such as a project's ``updates/``) whose view
    declares its order as a key."""
    return getattr(view, "list_key", None) is not None and getattr(view, "action", None) == "list"


def ids_of(queryset, start, stop):
    """The ids of rows ``start`` to ``stop`` of the queryset's order: read from the index
    alone where it covers the order (core.paginator.IdsFirstPaginator)."""
    return list(queryset.values_list("pk", flat=True)[start:stop])


def rows_of(queryset, ids):
    """The rows of ``ids`` with the queryset's joins and annotations, in the ids' order."""
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [rows[pk] for pk in ids]
