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

    def paginate_queryset(self, queryset, request, view=None):
        # A spreadsheet export is the whole filtered list, not one page.
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format in (
            "csv",
            "xlsx",
        ):
            return None
        return super().paginate_queryset(queryset, request, view)
