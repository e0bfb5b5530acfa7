"""The overview dashboard: a page whose charts read the public REST API, like any
dashboard a city's IT team would build. The view only serves the page and its words;
every figure comes from /api/v1/ in the browser, with the user's session, so each user
sees their own city's figures (a province user its cities' roll-up)."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.tenancy import reach_of, tenant_id_of
from projects.choices import Stage

from .cooperation_labels import cooperation_labels
from .ranking_labels import ranking_labels


def labels():
    """The page's words, in the request's language, for the script."""
    return {
        "all": _("All"),
        "noData": _("No data for these filters."),
        "loadFailed": _("Could not load the data (%(error)s). Please try again later."),
        "projects": _("Projects"),
        "fundsInPlace": _("Funds in place (100 million yuan)"),
        "totalInvestment": _("Total investment (100 million yuan)"),
        "count": _("Projects"),
        "overdue": _("Overdue"),
        "dueSoon": _("Due within 14 days"),
        "onTrack": _("On track or done"),
        "daysOverdue": _("%(days)s days overdue"),
        "daysLeft": _("%(days)s days left"),
        "notSet": _("Not set"),
        "awaitingReceipt": _("Awaiting receipt"),
        "missingReports": _("Reports missing"),
        "overdueReceipts": _("Receipt overdue"),
        "blockersOverdue": _("Past the deadline"),
        "blockersOnTime": _("Within the deadline or none set"),
        "awaitingCoordinator": _("Awaiting a coordinator"),
        "daysOpen": _("%(days)s days"),
        "stages": {stage.value: str(stage.label) for stage in Stage},
        "rankings": ranking_labels(),
        "cooperation": cooperation_labels(),
    }


# The city the county tile map (static/dashboard/county-tiles.json) was drawn for: Dezhou.
COUNTY_TILES_CITY = "371400"


def county_tiles(user):
    """The tile map's address for a user of the city it was drawn for (a superuser, who
    has no city, reads the deployment's home city); None for any other city, province or
    region: their page has no map panel (the ranking table lists their units)."""
    city = tenant_id_of(user) or settings.TRACKER_CITY_CODE
    return static("dashboard/county-tiles.json") if city == COUNTY_TILES_CITY else None


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard/index.html"
    login_url = "admin:login"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            labels=labels(),
            config={
                "currentYear": timezone.localdate().year,
                "today": timezone.localdate().isoformat(),
                "api": reverse("api-root"),
                # The county panel's tile map: where each county's tile sits, by its
                # GB/T 2260 code (docs/dashboard.md, "The county map"); null: no panel.
                "countyTiles": county_tiles(self.request.user),
                # A province user's page adds the roll-up by city (group_by=city).
                "byCity": bool(reach_of(self.request.user).cities),
                "admin": {
                    "projects": reverse("admin:projects_project_changelist"),
                    "tasks": reverse("admin:tracker_keytask_changelist"),
                    # The problem register's list (projects.admin_blockers); its filter
                    # parameters (unsolved, kind__exact, coordinating_department__id__exact)
                    # are a contract with that page.
                    "blockers": reverse("admin:app_list", args=["projects"]) + "blocker/",
                    # The cooperation ledger's list; the panel filters it by the page's
                    # year and a kind (kind__exact, year__exact: its list filters).
                    "cooperation": reverse("admin:cooperation_cooperationitem_changelist"),
                },
            },
        )
