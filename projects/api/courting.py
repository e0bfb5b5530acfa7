"""/api/v1/courting-cases/: the investors courted by two or more cities at once, for the
office that coordinates them (a province's users: its cities; a regional working group's:
the region's cities in its chain groups). Read-only; a city's users get 403 (a case names
the other cities). Coordinating a case is done on the admin page (projects.admin_courting).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.response import Response

from core.rest.viewsets import CleanQueryMixin

from ..choices import Stage
from ..courting import courting_cases, scopes_of
from ..models import CourtingState


class CourtingContactSerializer(serializers.Serializer):
    city = serializers.CharField(read_only=True, help_text="The city's GB/T 2260 code.")
    name = serializers.CharField(read_only=True)
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices), read_only=True
    )
    since = serializers.DateField(
        read_only=True, allow_null=True, help_text="When its first open project was recorded."
    )


class CourtingScopeSerializer(serializers.Serializer):
    id = serializers.CharField(read_only=True, help_text="province:<code> or region:<id>.")
    name = serializers.CharField(read_only=True)


class CourtingCaseSerializer(serializers.Serializer):
    scope = CourtingScopeSerializer(read_only=True)
    key = serializers.CharField(read_only=True, help_text="The investor as compared.")
    investor = serializers.CharField(read_only=True, help_text="As first recorded.")
    credit_code = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=CourtingState.choices, read_only=True)
    since = serializers.DateField(
        read_only=True, allow_null=True, help_text="When a second city came into contact."
    )
    cities = CourtingContactSerializer(source="contacts", many=True, read_only=True)
    new_cities = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Cities in contact now that were not when the case was coordinated.",
    )
    note = serializers.CharField(source="decision.note", read_only=True, default="")
    decided_at = serializers.DateTimeField(
        source="decision.decided_at", read_only=True, default=None
    )


class CourtingCaseViewSet(CleanQueryMixin, viewsets.ViewSet):
    """Every case of the offices the caller coordinates, open ones first."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "head", "options"]

    @extend_schema(responses=CourtingCaseSerializer(many=True))
    def list(self, request):
        scopes = scopes_of(request.user)
        if not scopes:
            raise exceptions.PermissionDenied(
                _("Only a province's or a regional working group's users read courting cases.")
            )
        rows = []
        for scope in scopes:
            for case in courting_cases(scope):
                case.scope = scope
                rows.append(case)
        return Response(CourtingCaseSerializer(rows, many=True).data)
