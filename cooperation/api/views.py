"""The cooperation ledger in the API: items with their progress reports, counterparts and
the areas of framework agreements (docs/cooperation-api.md). Every write goes through
cooperation.services, which applies the department rule on the data path."""

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, permissions

from core.ownership import can_assign, is_supervisor
from core.rest.reports import reports_action
from tracker.api.viewsets import DepartmentOwnedViewSet, TrackerReadOnlyViewSet

from .. import services
from ..models import AgreementArea, CooperationItem, CooperationUpdate, Counterpart
from .filters import AgreementAreaFilter, CooperationItemFilter, CounterpartFilter
from .serializers import (
    AgreementAreaSerializer,
    CooperationItemSerializer,
    CooperationStatusSerializer,
    CooperationUpdateSerializer,
    CounterpartSerializer,
)

# A counterpart's province is read from its division's parents: two levels, joined.
COUNTERPARTS = Counterpart.objects.select_related("division__parent__parent")


def with_last_report(queryset):
    """Each item's latest report date, in a correlated subquery (evaluated for the page's
    rows only)."""
    latest = (
        CooperationUpdate.objects.filter(item=OuterRef("pk"))
        .order_by("-reported_on")
        .values("reported_on")[:1]
    )
    return queryset.annotate(last_reported_on=Subquery(latest))


class CooperationItemViewSet(DepartmentOwnedViewSet):
    """Cooperation items of the ledger (台账): agreements, platforms, achievements, firm
    cooperation, incubated projects, medical and talent cooperation. Money is in 万元.

    Officials create and change only their own department's items; supervisors any. Once
    an item has progress reports, its state changes only through a new report
    (``updates/``). Setting ``project`` lands the item: it is reported achieved.
    """

    queryset = CooperationItem.objects.select_related(
        "department", "division", "agreement", "area", "project"
    ).prefetch_related(Prefetch("counterparts", queryset=COUNTERPARTS))
    serializer_class = CooperationItemSerializer
    filterset_class = CooperationItemFilter
    search_fields = ["code", "title", "description", "counterparts__name"]
    ordering_fields = ["code", "year", "started_on", "deadline", "achieved_on", "investment"]
    ordering = ["-year", "code"]
    owner_field = "department"

    def get_queryset(self):
        queryset = with_last_report(super().get_queryset())
        if self.action == "list":
            return queryset
        # updates/ lists the reports from this prefetch, their authors joined.
        return queryset.prefetch_related(
            Prefetch("updates", queryset=CooperationUpdate.objects.select_related("author"))
        )

    def save(self, item, many):
        services.save_item(item, by=self.request.user, counterparts=many.get("counterparts"))

    updates = reports_action(
        report_serializer=CooperationUpdateSerializer,
        input_serializer=CooperationStatusSerializer,
        record=services.record_cooperation_update,
        on="item",
        description="An item's progress reports (GET); record one (POST), as on the admin "
        "page. Reaching achieved dates the item's achieved_on.",
    )


class SupervisorsWrite(permissions.BasePermission):
    message = _("Only supervisors keep the list of counterparts.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_supervisor(request.user)


class CounterpartViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, TrackerReadOnlyViewSet):
    """Counterparts in Beijing, Tianjin and Hebei (districts, universities, institutes,
    hospitals, firms), kept once and named by every item that works with them.

    Everyone signed in reads them; supervisors create and change them (others get 403).
    """

    queryset = COUNTERPARTS
    serializer_class = CounterpartSerializer
    filterset_class = CounterpartFilter
    search_fields = ["name", "note"]
    ordering_fields = ["name", "kind", "updated_at"]
    ordering = ["kind", "name"]
    permission_classes = [*TrackerReadOnlyViewSet.permission_classes, SupervisorsWrite]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def write(self, serializer, counterpart):
        for name, value in serializer.validated_data.items():
            setattr(counterpart, name, value)
        serializer.instance = services.save_counterpart(counterpart, by=self.request.user)

    def perform_create(self, serializer):
        self.write(serializer, Counterpart())

    def perform_update(self, serializer):
        self.write(serializer, serializer.instance)


class AgreementAreaViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, TrackerReadOnlyViewSet
):
    """The cooperation areas of framework agreements (the Chaoyang agreement covers 11),
    each with how many items are filed under it; the items themselves are at
    ``/api/v1/cooperation-items/?area=<id>``.

    Everyone signed in reads them; the agreement's department (or a supervisor) adds and
    changes them, and never moves one to another department's agreement.
    """

    queryset = AgreementArea.objects.select_related("agreement__department").annotate(
        item_count=Count("items")
    )
    serializer_class = AgreementAreaSerializer
    filterset_class = AgreementAreaFilter
    search_fields = ["title", "agreement__title", "agreement__code"]
    ordering_fields = ["number", "title"]
    ordering = ["agreement", "number"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def write(self, serializer, area):
        agreement = serializer.validated_data.get("agreement", getattr(area, "agreement", None))
        if agreement is not None and not can_assign(self.request.user, agreement.department):
            raise exceptions.PermissionDenied(
                _("You may only create or change records of your own department.")
            )
        for name, value in serializer.validated_data.items():
            setattr(area, name, value)
        services.save_area(area, by=self.request.user)
        # Answered with the count of its items, as a read gives it.
        serializer.instance = self.get_queryset().get(pk=area.pk)

    def perform_create(self, serializer):
        self.write(serializer, AgreementArea())

    def perform_update(self, serializer):
        self.write(serializer, serializer.instance)
