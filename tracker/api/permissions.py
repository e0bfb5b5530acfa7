"""The API's permission check: the same rule as the admin (tracker.permissions)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from ..models import ApiToken
from ..permissions import can_change


class TrackerPermission(permissions.DjangoModelPermissions):
    """Model permissions of the user's role, the department rule on objects, token scope.

    Reading needs an account (officials read everything); writing needs the role's
    model permission, a token that may write, and (on an object) the department rule.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }

    READ_ONLY_TOKEN = _("This token may only read; ask a supervisor for a read-write token.")
    OTHER_DEPARTMENT = _(
        "This record belongs to another department; you may read it but not change it."
    )

    def has_permission(self, request, view):
        if request.method not in permissions.SAFE_METHODS:
            token = request.auth
            if isinstance(token, ApiToken) and not token.can_write:
                self.message = self.READ_ONLY_TOKEN
                return False
        return super().has_permission(request, view)

    def _queryset(self, view):
        # DRF asks for the view's queryset only for its model; the view's get_queryset
        # builds the annotations and the tenant rule of a read for nothing (a write's
        # object is read within the tenant rule by its service).
        if getattr(view, "queryset", None) is not None:
            return view.queryset
        return super()._queryset(view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS or can_change(request.user, obj):
            return True
        # DRF reads the refusal's text from the permission instance.
        self.message = self.OTHER_DEPARTMENT
        return False
