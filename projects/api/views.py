from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from core.keyset import ListKey
from core.rest.reports import reports_action
from core.rest.viewsets import TrackerSearchFilter
from core.search import with_grams
from tracker.api.viewsets import DepartmentOwnedViewSet, TrackerReadOnlyViewSet

from .. import services, tallies
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


#: The list's order, total across cities (two cities may both have XM-2024-001): the
#: project_list_keyset index's expressions (projects.models.projects).
PROJECT_LIST_KEY = ListKey("-year", "code", "id")


class ProjectViewSet(DepartmentOwnedViewSet):
    """Investment projects (招商项目) with their status reports. Money is in 万元.

    Officials create and change only their own department's projects; supervisors any.
    The list pages by cursor at any depth (core.keyset; docs/api.md).
    """

    list_key = PROJECT_LIST_KEY
    search_grams = ("code", "name", "investor")  # core.search.with_grams: one GIN index
    queryset = Project.objects.select_related(
        "origin__parent__parent",
        "host_division",
        "park",
        "industry_chain",
        "responsible_department",
    ).order_by(*PROJECT_LIST_KEY.ordering())
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

    def filter_queryset(self, queryset):
        # The search's LIKE/ILIKE (TrackerSearchFilter) stays the exact test; the grams
        # condition lets PostgreSQL's GIN index find a two-character term's rows.
        queryset = super().filter_queryset(queryset)
        terms = TrackerSearchFilter().get_search_terms(self.request)
        return with_grams(queryset, self.search_grams, terms) if terms else queryset

    def tally_count(self):
        """The list's count from the tally when its filters are covered (None: count rows)."""
        return tallies.tally_count(self.request.user, self.request.query_params)

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
