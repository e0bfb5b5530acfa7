from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from core.rest.reports import reports_action
from tracker.api.viewsets import DepartmentOwnedViewSet, TrackerReadOnlyViewSet

from .. import services
from ..models import Blocker, IndustryChain, Project, ProjectUpdate
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


def with_open_blockers(queryset, user):
    """Each project's unsolved problems the user reads, counted in a correlated subquery
    (evaluated for the page's rows only, as ``with_last_report``): a province reading a
    city's signed project does not read its problems, so it counts none."""
    unsolved = (
        Blocker.objects.unsolved()
        .visible_to(user)
        .filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(open_blockers=Coalesce(Subquery(unsolved), 0))


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
        queryset = with_open_blockers(super().get_queryset(), self.request.user)
        if self.action == "list":
            return queryset.with_last_report()
        return queryset.prefetch_related(
            Prefetch("updates", queryset=ProjectUpdate.objects.select_related("author"))
        )

    def get_serializer_class(self):
        return ProjectListSerializer if self.action == "list" else super().get_serializer_class()

    def save(self, project, many):
        services.save_project(project, by=self.request.user)

    updates = reports_action(
        report_serializer=ProjectUpdateSerializer,
        input_serializer=ProjectStatusSerializer,
        record=services.record_project_update,
        on="project",
        description="A project's status reports (GET); record one (POST), as on the admin page.",
    )
