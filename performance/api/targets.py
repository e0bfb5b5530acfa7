"""/api/v1/targets/: annual targets (目标任务). Everyone signed in reads them; supervisors
create, change and delete them, through the same service as the admin and the import."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, permissions

from core.ownership import is_supervisor
from tracker.api.viewsets import TrackerReadOnlyViewSet

from ..models import Target
from ..services import delete_targets, save_target
from .filters import TargetFilter
from .target_serializers import TargetSerializer


class SupervisorsWrite(permissions.BasePermission):
    message = _("Only supervisors may set annual targets.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_supervisor(request.user)


class TargetViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TrackerReadOnlyViewSet,
):
    """Annual targets per county-level division and per department; money in 万元.

    A blank measure has no target. Filter by ``year``, ``unit`` (county|department),
    ``division`` or ``department``. Only supervisors write (others get 403).
    """

    queryset = Target.objects.select_related("division", "department").order_by(
        "-year", "division__code", "department__name", "pk"
    )
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    search_fields = ["division__name", "division__code", "department__name", "note"]
    ordering_fields = ["year", "funds_in_place", "updated_at"]
    permission_classes = [*TrackerReadOnlyViewSet.permission_classes, SupervisorsWrite]

    def write(self, serializer, instance):
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        serializer.instance = save_target(instance, by=self.request.user)

    def perform_create(self, serializer):
        self.write(serializer, Target())

    def perform_update(self, serializer):
        self.write(serializer, serializer.instance)

    def perform_destroy(self, instance):
        delete_targets(Target.objects.filter(pk=instance.pk), by=self.request.user)
