from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from core.paginator import IdsFirstPaginator

MAX_PAGE_SIZE = 500


class TrackerPagination(PageNumberPagination):
    """``?page=N&page_size=M``: 50 rows by default, at most 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page (default 50, at most {MAX_PAGE_SIZE})."
    django_paginator_class = IdsFirstPaginator

    def get_page_size(self, request):
        # DRF falls back to the default on a page_size it cannot read; a client that asked
        # for page_size=abc or -1 learns its mistake instead of getting 50 rows. Above the
        # maximum it gets the maximum, as DRF does (and the schema says).
        refuse_unless_counting(request, self.page_size_query_param, self.page_size_error)
        return super().get_page_size(request)

    @property
    def page_size_error(self):
        return _("A whole number of at least 1 (at most %(max)s are given).") % {
            "max": self.max_page_size
        }

    def paginate_queryset(self, queryset, request, view=None):
        # Checked even where no page is cut (an export): ?page=-3 is a mistake there too.
        refuse_unless_counting(request, self.page_query_param, _("A whole number of at least 1."))
        refuse_unless_counting(request, self.page_size_query_param, self.page_size_error)
        # A spreadsheet export is the whole filtered list, not one page.
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format in (
            "csv",
            "xlsx",
        ):
            return None
        return super().paginate_queryset(queryset, request, view)


def refuse_unless_counting(request, name, message):
    """A 400 unless the query parameter ``name`` is absent or a whole number of at least 1."""
    value = request.query_params.get(name)
    if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise exceptions.ValidationError({name: [message]})
