from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from config.paginator import IdsFirstPaginator

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
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number of at least 1 (at most %(max)s are given).")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        # A spreadsheet export is the whole filtered list, not one page.
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format in (
            "csv",
            "xlsx",
        ):
            return None
        return super().paginate_queryset(queryset, request, view)
