"""The base of every API viewset: one permission rule, filters, search, ordering, exports."""

import re

from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, permissions, status
from rest_framework.response import Response

from core.concurrency import StaleObjectError
from core.rest.viewsets import ReadOnlyViewSet

from ..permissions import can_assign
from .permissions import TrackerPermission


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it.")
    default_code = "precondition_failed"


class VersionConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record changed since you read it.")
    default_code = "conflict"


def etag_for(instance):
    # core.rest.conditional turns it into "v<version>.<md5 of the body>" on the way out.
    return f'"{instance.version}"'


# An If-Match tag names a version as "7" (the form before content hashes), W/"7", or
# "v7.<anything>" (the ETag a read gives now): only the version is compared.
VERSION_IN_TAG = re.compile(r'(?:W/)?"(?:([0-9]{1,18})|v([0-9]{1,18})\.[^"]*)"')


def versions_named(header):
    return {
        int(match[1] or match[2])
        for tag in header.split(",")
        if (match := VERSION_IN_TAG.fullmatch(tag.strip()))
    }


class TrackerReadOnlyViewSet(ReadOnlyViewSet):
    permission_classes = [permissions.IsAuthenticated, TrackerPermission]


class DepartmentOwnedViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, TrackerReadOnlyViewSet
):
    """List, read, create and update objects a department owns, through the app's service.

    ``owner_field`` names the department foreign key; ``save(instance, many)`` is the
    service that validates and saves (``many``: many-to-many values by field name).
    A detail carries its version as ``ETag``; a ``PUT``/``PATCH`` with ``If-Match`` is
    refused with 412 when the record changed meanwhile, and any write that loses a race
    with another one with 409, so that nothing is silently undone.
    """

    owner_field = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def save(self, instance, many):
        raise NotImplementedError

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_for(instance)})

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_for(self.written)
        return response

    def expected_version(self, instance):
        header = self.request.headers.get("If-Match")
        if not header or header.strip() == "*":
            return None
        if instance.version not in versions_named(header):
            raise PreconditionFailed(
                _(
                    "The record changed since you read it (its ETag is now %(etag)s); "
                    "read it again and re-apply your change."
                )
                % {"etag": etag_for(instance)}
            )
        return instance.version

    def write(self, serializer, instance):
        data = dict(serializer.validated_data)
        owner = data.get(self.owner_field) or getattr(instance, self.owner_field)
        if not can_assign(self.request.user, owner):
            raise exceptions.PermissionDenied(
                _("You may only create or change records of your own department.")
            )
        if instance.pk is not None:
            self.expected_version(instance)
        else:
            # A new record is its department's city's: the caller's own (can_assign says
            # so), or, for a superuser, who has none, the department's.
            instance.tenant_id = owner.tenant_id
        many = {
            name: data.pop(name)
            for name in list(data)
            if instance._meta.get_field(name).many_to_many
        }
        for name, value in data.items():
            setattr(instance, name, value)
        try:
            self.save(instance, many)
        except StaleObjectError as error:
            raise VersionConflict(str(error)) from None
        serializer.instance = self.written = instance

    def perform_create(self, serializer):
        self.write(serializer, serializer.Meta.model())

    def perform_update(self, serializer):
        self.write(serializer, serializer.instance)
