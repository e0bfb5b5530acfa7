"""/api/v1/: the REST API's routes, and /api/schema/ with its interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from bulletins.api import BulletinViewSet
from cooperation.api.stats import CooperationStatsView
from cooperation.api.views import AgreementAreaViewSet, CooperationItemViewSet, CounterpartViewSet
from core.rest.deleted import DeletedViewSet
from notifications.api.robots import GroupRobotViewSet
from notifications.api.views import DepartmentReportingView, MissingReportsView
from notifications.api.webhooks import WebhookSubscriptionViewSet
from performance.api.rankings import RankingsView
from performance.api.targets import TargetViewSet
from projects.api.blocker_stats import BlockerStatsView
from projects.api.blockers import BlockerViewSet
from projects.api.courting import CourtingCaseViewSet
from projects.api.stats import ProjectStatsView
from projects.api.views import IndustryChainViewSet, ProjectViewSet
from regions.api.views import CounterpartPairingViewSet, DivisionViewSet, ParkViewSet
from tracker.api.stats import TaskStatsView
from tracker.api.views import DepartmentViewSet, KeyTaskViewSet, WorkPointViewSet

router = DefaultRouter()
router.register("divisions", DivisionViewSet)
router.register("parks", ParkViewSet)
router.register("pairings", CounterpartPairingViewSet)
router.register("departments", DepartmentViewSet)
router.register("industry-chains", IndustryChainViewSet)
router.register("projects", ProjectViewSet)
router.register("work-points", WorkPointViewSet)
router.register("tasks", KeyTaskViewSet)
router.register("blockers", BlockerViewSet)
router.register("cooperation-items", CooperationItemViewSet)
router.register("counterparts", CounterpartViewSet)
router.register("agreement-areas", AgreementAreaViewSet)
router.register("targets", TargetViewSet)
router.register("bulletins", BulletinViewSet)
router.register("robots", GroupRobotViewSet)
router.register("webhook-subscriptions", WebhookSubscriptionViewSet)
router.register("deleted", DeletedViewSet)
router.register("courting-cases", CourtingCaseViewSet, basename="courtingcase")

urlpatterns = [
    path("v1/stats/projects/", ProjectStatsView.as_view(), name="stats-projects"),
    path("v1/stats/tasks/", TaskStatsView.as_view(), name="stats-tasks"),
    path("v1/stats/blockers/", BlockerStatsView.as_view(), name="stats-blockers"),
    path("v1/stats/cooperation/", CooperationStatsView.as_view(), name="stats-cooperation"),
    path("v1/rankings/", RankingsView.as_view(), name="rankings"),
    path("v1/reporting/missing/", MissingReportsView.as_view(), name="reporting-missing"),
    path(
        "v1/reporting/departments/",
        DepartmentReportingView.as_view(),
        name="reporting-departments",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (docs/?script=), so the
    # docs run under the Content-Security-Policy, which forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
