"""Two ways through a list: page numbers for people (``?page=N``), and a keyset for a
syncing client (``?ordering=updated_at`` without ``page``; docs/api.md)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.paginator import IdsFirstPaginator

from .sync import KeysetFilter, asks_for_keyset

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
PAGE_SIZE_DESCRIPTION = f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."


def page_size_error():
    return _("A whole number of at least 1 (at most %(max)s are given).") % {"max": MAX_PAGE_SIZE}


def envelope_schema(schema, *, count_description):
    """Both modes answer ``{count, next, previous, results}``; a keyset page's count is
    null (counting a table others write to is what the keyset avoids)."""
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "nullable": True, "description": count_description},
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "results": schema,
        },
    }


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
        return Response(
            {"count": None, "next": self.get_next_link(), "previous": None, "results": data}
        )

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
    ``ordering=updated_at`` and no ``page``, a keyset page (KeysetPagination)."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = PAGE_SIZE_DESCRIPTION
    django_paginator_class = IdsFirstPaginator
    keyset = None

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
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.keyset is not None:
            return self.keyset.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        return envelope_schema(
            schema,
            count_description="Rows in the whole list; null in keyset mode "
            "(ordering=updated_at without page).",
        )


def refuse_unless_counting(request, name, message):
    """A 400 unless the query parameter ``name`` is absent or a whole number of at least 1."""
    value = request.query_params.get(name)
    if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise exceptions.ValidationError({name: [message]})
