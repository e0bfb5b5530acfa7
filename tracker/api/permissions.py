"""The API's permission check: the same rule as the admin (tracker.permissions)."""

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

    def has_permission(self, request, view):
        if request.method not in permissions.SAFE_METHODS:
            token = request.auth
            if isinstance(token, ApiToken) and not token.can_write:
                return False
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_change(request.user, obj)
