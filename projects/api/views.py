from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from tracker.api.viewsets import DepartmentOwnedViewSet, TrackerReadOnlyViewSet

from .. import services
from ..models import IndustryChain, Project, ProjectUpdate
from .filters import ProjectFilter
from .serializers import (
    IndustryChainSerializer,
    ProjectListSerializer,
    ProjectSerializer,
    ProjectStatusSerializer,
    ProjectUpdateSerializer,
)


class IndustryChainViewSet(TrackerReadOnlyViewSet):
    """Industry chains: Hebei's 六链 and 五群, Langfang's 三主四辅, local industries."""

    queryset = IndustryChain.objects.all()
    serializer_class = IndustryChainSerializer
    filterset_fields = ["group"]
    search_fields = ["name", "name_en"]
    ordering_fields = ["name", "group"]


class ProjectViewSet(DepartmentOwnedViewSet):
    """Investment projects (招商项目) with their status reports. Money is in 万元.

    Officials create and change only their own department's projects; supervisors any.
    """

    queryset = Project.objects.select_related(
        "origin__parent__parent",
        "host_division",
        "park",
        "industry_chain",
        "responsible_department",
    ).order_by("-year", "code")
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    search_fields = ["code", "name", "investor"]
    ordering_fields = ["code", "year", "total_investment", "funds_in_place", "started_on"]
    owner_field = "responsible_department"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.with_last_report()
        return queryset.prefetch_related(
            Prefetch("updates", queryset=ProjectUpdate.objects.select_related("author"))
        )

    def get_serializer_class(self):
        return ProjectListSerializer if self.action == "list" else super().get_serializer_class()

    def save(self, project, many):
        services.save_project(project, by=self.request.user)

    @extend_schema(methods=["GET"], responses=ProjectUpdateSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ProjectStatusSerializer, responses={201: ProjectUpdateSerializer}
    )
    @action(detail=True, methods=["get", "post"], serializer_class=ProjectUpdateSerializer)
    def updates(self, request, pk=None):
        """A project's status reports (GET); record one (POST), as on the admin page."""
        project = self.get_object()
        if request.method == "GET":
            reports = project.updates.all()
            page = self.paginate_queryset(reports)
            if page is None:  # a spreadsheet: every report
                return Response(ProjectUpdateSerializer(reports, many=True).data)
            return self.get_paginated_response(ProjectUpdateSerializer(page, many=True).data)
        report = ProjectStatusSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        update = services.record_project_update(
            project=project, author=request.user, **report.validated_data
        )
        return Response(ProjectUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
