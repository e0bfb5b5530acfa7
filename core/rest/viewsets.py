"""The base of every API viewset: filters, search, ordering, clean queries."""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters, permissions, viewsets

from core.search import search_lookup
from core.tenancy import set_acting, tenant_id_of

from .choices import restrict_choices
from .sync import KeysetFilter, SyncOrderingFilter


class CleanQueryMixin:
    """Refuse query strings no filter can mean: NUL characters (PostgreSQL cannot compare
    them) and a parameter given twice (every parameter of this API takes one value, so
    ``?page=1&page=2`` is a mistake, not a choice to guess at).

    Checked after authentication and permissions: an anonymous caller gets its 401 first.

    Every view of the API derives from it, so it also sets the acting tenant: a token is
    authenticated here, after the middleware, and what the request makes or computes
    (records, owed reports) is the caller's city's (core.tenancy.ActingTenantMiddleware).
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        set_acting(tenant_id_of(request.user))
        errors = {}
        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                errors[key or "?"] = [_("NUL characters are not allowed.")]
            elif len(values) > 1:
                errors[key] = [_("Give this parameter once.")]
        if errors:
            raise exceptions.ValidationError(dict(sorted(errors.items())))


class TrackerSearchFilter(filters.SearchFilter):
    """``?search=``, with LIKE or ILIKE, which trigram indexes serve (see core.search)."""

    def filter_queryset(self, request, queryset, view):
        self.default_lookup = search_lookup(self.get_search_terms(request))
        return super().filter_queryset(request, queryset, view)


class ReadOnlyViewSet(CleanQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details for any signed-in user (or token): reference data.

    Every list also takes ``updated_after``/``updated_before``/``after_id`` and
    ``ordering=updated_at`` (core.rest.sync), what a syncing client pages by.
    """

    lookup_value_regex = r"\d+"  # ids are integers; anything else is a 404, not a 500
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend, KeysetFilter, TrackerSearchFilter, SyncOrderingFilter]

    def get_queryset(self):
        # The tenant rule on every list, detail, search and write of the API.
        queryset = super().get_queryset()
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(self.request.user)
        return queryset

    def get_serializer(self, *args, **kwargs):
        # A write links only to what the caller may choose (core.rest.choices).
        serializer = super().get_serializer(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            # Nobody signed in writes (the permissions refuse first); the schema generator
            # asks with no user, and building the fields here would read the database.
            return serializer
        return restrict_choices(serializer, user)
