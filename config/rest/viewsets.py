"""The base of every API viewset: filters, search, ordering, clean queries."""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters, permissions, viewsets

from config.search import search_lookup


class CleanQueryMixin:
    """Refuse query parameters with NUL characters: PostgreSQL cannot compare them."""

    def initial(self, request, *args, **kwargs):
        bad = sorted(
            {
                key
                for key, value in request.query_params.lists()
                if any("\x00" in item for item in value)
            }
            | {key for key in request.query_params if "\x00" in key}
        )
        if bad:
            raise exceptions.ValidationError(
                {key or "?": [_("NUL characters are not allowed.")] for key in bad}
            )
        super().initial(request, *args, **kwargs)


class TrackerSearchFilter(filters.SearchFilter):
    """``?search=``, with LIKE or ILIKE, which trigram indexes serve (see config.search)."""

    def filter_queryset(self, request, queryset, view):
        self.default_lookup = search_lookup(self.get_search_terms(request))
        return super().filter_queryset(request, queryset, view)


class ReadOnlyViewSet(CleanQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details for any signed-in user (or token): reference data."""

    lookup_value_regex = r"\d+"  # ids are integers; anything else is a 404, not a 500
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend, TrackerSearchFilter, filters.OrderingFilter]
