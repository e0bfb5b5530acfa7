"""The base of every API viewset: one permission rule, filters, search, ordering, exports."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, permissions

from config.rest.viewsets import ReadOnlyViewSet

from ..permissions import can_assign
from .permissions import TrackerPermission


class TrackerReadOnlyViewSet(ReadOnlyViewSet):
    permission_classes = [permissions.IsAuthenticated, TrackerPermission]


class DepartmentOwnedViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, TrackerReadOnlyViewSet
):
    """List, read, create and update objects a department owns, through the app's service.

    ``owner_field`` names the department foreign key; ``save(instance, many)`` is the
    service that validates and saves (``many``: many-to-many values by field name).
    """

    owner_field = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def save(self, instance, many):
        raise NotImplementedError

    def write(self, serializer, instance):
        data = dict(serializer.validated_data)
        if not can_assign(
            self.request.user,
            data.get(self.owner_field) or getattr(instance, self.owner_field),
        ):
            raise exceptions.PermissionDenied(
                _("You may only create or change records of your own department.")
            )
        many = {
            name: data.pop(name)
            for name in list(data)
            if instance._meta.get_field(name).many_to_many
        }
        for name, value in data.items():
            setattr(instance, name, value)
        self.save(instance, many)
        serializer.instance = instance

    def perform_create(self, serializer):
        self.write(serializer, serializer.Meta.model())

    def perform_update(self, serializer):
        self.write(serializer, serializer.instance)
