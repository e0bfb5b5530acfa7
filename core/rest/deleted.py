"""/api/v1/deleted/: the deletions feed a syncing client reads to delete its copies.

``?model=projects.project&deleted_after=<date-time>&after_id=<id>&page_size=<n>`` lists
the deletion records (core.models.Tombstone) in (deleted_at, id) order, always a keyset
page with the same settle window and envelope as a list's keyset mode. A record says
only which row of which model went. A user is shown the deletions of their own tenant
(``Tombstone.tenant_id``, the deleted row's city) and of shared reference data (divisions,
parks, chains: no tenant); a superuser every one. A province or regional user is not shown
their cities' deletions (a deleted lead's id would be news to them): their client re-reads
the few lists it keeps of the cities' shared rows.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, permissions, serializers, viewsets

from ..models import Tombstone
from ..sync import TRACKED, tracked_labels
from ..tenancy import reach_of, tenant_path
from .pagination import KeysetPagination
from .sync import KeysetFilter
from .viewsets import CleanQueryMixin


class TombstoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tombstone
        fields = ["id", "model", "object_id", "deleted_at"]
        extra_kwargs = {
            "model": {"help_text": "The deleted row's model, app_label.modelname."},
            "object_id": {"help_text": "The deleted row's id."},
        }


class DeletionsFilter(KeysetFilter):
    """``deleted_after`` / ``after_id`` as a list's ``updated_after`` / ``after_id``, and
    ``model``, one of the tracked models' labels."""

    field = "deleted_at"
    after_param = "deleted_after"
    before_param = None

    def filter_queryset(self, request, queryset, view):
        model = request.query_params.get("model")
        if model:
            if model not in tracked_labels():
                raise exceptions.ValidationError(
                    {"model": [_("One of: %(labels)s.") % {"labels": ", ".join(tracked_labels())}]}
                )
            queryset = queryset.filter(model=model)
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "model",
                "in": "query",
                "required": False,
                "description": "Only deletions of this model (app_label.modelname).",
                "schema": {"type": "string", "enum": tracked_labels()},
            },
            *super().get_schema_operation_parameters(view),
        ]


class DeletionsPagination(KeysetPagination):
    field = DeletionsFilter.field
    after_param = DeletionsFilter.after_param


class DeletedViewSet(CleanQueryMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Rows deleted from the synced lists, oldest first, for a client keeping a copy:
    delete your copy of each (model, object_id). Always a keyset page: follow ``next``
    until it is null, then ask again later with the last row's deleted_at and id.
    Deletions of the last few seconds come on a later call (the settle window)."""

    queryset = Tombstone.objects.all()
    serializer_class = TombstoneSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DeletionsFilter]
    pagination_class = DeletionsPagination

    def get_queryset(self):
        reach = reach_of(self.request.user)
        if reach.everything:
            return super().get_queryset()
        shared = [label for label, model in TRACKED.items() if tenant_path(model) is None]
        return (
            super()
            .get_queryset()
            .filter(Q(tenant_id__in=reach.own) | Q(tenant_id="", model__in=shared))
        )
