from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.db.models import Count, F, Sum
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import OwnedAdmin, RecordHistoryAdmin, VersionedForm
from core.admin_lists import LargeListAdmin
from core.admin_reports import ReadOnlyReportAdmin, RecordReportAdmin, ReportHistoryInline
from core.deadlines import light_for
from core.display import light, wan, yi
from core.evidence_forms import MultipleEvidenceField
from core.ledger_admin import LedgerAdmin
from core.paginator import MoreThan, count_cap
from tracker.admin_scoping import DepartmentScopedAdmin

from . import courting, services, tallies
from .admin_blockers import ProjectProblemsAdmin
from .admin_courting import CourtingCaseAdmin  # noqa: F401  (registers the page)
from .admin_duplicates import DuplicateReviewAdmin
from .admin_filters import (
    HasOpenProblemsFilter,
    HostDivisionFilter,
    LedgerYearFilter,
    MilestoneOverdueFilter,
    OriginProvinceFilter,
)
from .choices import Stage
from .models import MONEY, IndustryChain, Project, ProjectUpdate
from .resources import ProjectResource


@admin.register(IndustryChain)
class IndustryChainAdmin(OwnedAdmin):
    list_display = ["name", "group", "name_en"]
    list_filter = ["group"]
    search_fields = ["name", "name_en"]


class ProjectUpdateInline(ReportHistoryInline):
    model = ProjectUpdate
    fields = [
        "reported_on",
        "stage",
        "funds_in_place",
        "is_correction",
        "capital_increase",
        "note",
        "evidence_links",
        "author",
        "created_at",
    ]
    evidence_url_name = "project_evidence"


class ProjectStatusForm(forms.Form):
    reported_on = forms.DateField(label=_("reported on"), widget=AdminDateWidget)
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    funds_in_place = forms.DecimalField(
        label=_("funds in place (10,000 yuan)"),
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
    )
    is_correction = ProjectUpdate._meta.get_field("is_correction").formfield(required=False)
    capital_increase = ProjectUpdate._meta.get_field("capital_increase").formfield(required=False)
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False)
    files = MultipleEvidenceField(label=_("evidence files"), required=False)

    def clean_capital_increase(self):
        # An empty box is no increase.
        return self.cleaned_data["capital_increase"] or Decimal("0")


@admin.register(Project)
class ProjectAdmin(
    DuplicateReviewAdmin,
    ProjectProblemsAdmin,
    LargeListAdmin,
    DepartmentScopedAdmin,
    RecordReportAdmin,
    LedgerAdmin,
    RecordHistoryAdmin,
):
    form = VersionedForm
    city_column = True
    owner_field = "responsible_department"
    save_service = staticmethod(services.save_project)
    reported_fields = services.REPORTED_PROJECT_FIELDS
    resource_classes = [ProjectResource]
    report_form_class = ProjectStatusForm
    report_button_label = _("Record status")
    change_list_template = "admin/projects/project/change_list.html"
    change_form_template = "admin/projects/project/change_form.html"
    list_display = [
        "code",
        "name",
        "investor",
        "origin_province",
        "host_division",
        "park",
        "stage",
        "total_investment_display",
        "funds_display",
        "responsible_department",
        "last_reported_on",
        "milestone_light",
        "problems_marker",
        "report_link",
    ]
    list_display_links = ["code", "name"]
    # Choices from the small reference tables the user reads (core.admin turns a plain
    # related field into a VisibleRelatedFilter), never a DISTINCT over the list.
    list_filter = [
        "stage",
        OriginProvinceFilter,
        ("host_division", HostDivisionFilter),
        "park",
        "industry_chain",
        "responsible_department",
        LedgerYearFilter,
        "is_key",
        MilestoneOverdueFilter,
        HasOpenProblemsFilter,
    ]
    search_fields = ["code", "name", "investor"]
    search_grams = ("code", "name", "investor")  # core.search: one GIN index
    # One count a page: the tally's, or up to TRACKER_COUNT_CAP rows (core.admin_lists).
    capped_count = True
    show_full_result_count = False
    # 50 rows of 14 columns a page: a screen or two to read, and half the rendering of
    # Django's 100 (the province's page p95, docs/benchmarks.md).
    list_per_page = 50
    autocomplete_fields = [
        "origin",
        "host_division",
        "park",
        "industry_chain",
        "responsible_department",
    ]
    list_select_related = [
        "origin__parent__parent",
        "host_division",
        "park",
        "responsible_department",
    ]
    inlines = [ProjectUpdateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_last_report()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Another city of the province (or a shared region) courts the same investor: say
        # so, never which city (projects.courting; Tenant.courting_hint turns it off).
        if hint := courting.hint_for(obj):
            messages.warning(request, hint)

    @admin.display(description=_("origin province"))
    def origin_province(self, project):
        return project.origin.province if project.origin else "-"

    @admin.display(description=_("total investment (10,000 yuan)"), ordering="total_investment")
    def total_investment_display(self, project):
        return wan(project.total_investment)

    @admin.display(description=_("funds in place (10,000 yuan)"), ordering="funds_in_place")
    def funds_display(self, project):
        return wan(project.funds_in_place)

    @admin.display(description=_("last report"), ordering="last_reported_on")
    def last_reported_on(self, project):
        return project.last_reported_on or "-"

    @admin.display(description=_("next milestone"))
    def milestone_light(self, project):
        milestone = project.next_milestone()
        if milestone is None:
            return light(light_for(None))
        label, date = milestone
        return light(light_for(date), f"{label} {date:%Y-%m-%d}")

    def list_count(self, request, queryset):
        return self.list_totals(request, queryset)["count"]

    def list_totals(self, request, queryset):
        """Count and sums of the filtered list, once a request: from the tally when the
        admin's filters are ones it covers, else from the rows when they are no more than
        TRACKER_COUNT_CAP (one query over at most cap + 1 rows), else only "more than the
        cap" (core.paginator.MoreThan) and no sums."""
        if not hasattr(request, "_project_totals"):
            request._project_totals = tally_totals(request) or row_totals(queryset)
        return request._project_totals

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            totals = self.list_totals(request, changelist.queryset)
            if isinstance(totals["count"], MoreThan):
                response.context_data["totals_beyond"] = count_cap()
            else:
                response.context_data["totals"] = {
                    "count": totals["count"],
                    "total_investment": yi(totals["total_investment"]),
                    "funds_in_place": yi(totals["funds_in_place"]),
                }
        return response

    def report_initial(self, project):
        return {
            "reported_on": timezone.localdate(),
            "stage": project.stage,
            "funds_in_place": project.funds_in_place,
        }

    def record_report(self, project, user, data):
        services.record_project_update(project=project, author=user, **data)


#: The changelist's filter parameters the tally covers, as the API's filters name them
#: (projects.tallies); NEUTRAL ones change the order or the page, not the rows.
ADMIN_TO_API = {
    "stage__exact": "stage",
    "year": "year",
    "origin_province": "origin_province",
    "host_division__id__exact": "host_division",
    "park__id__exact": "park",
    "industry_chain__id__exact": "industry_chain",
    "responsible_department__id__exact": "responsible_department",
}
NEUTRAL = {"o", "p", "_popup", "_to_field"}


def tally_totals(request):
    """The totals from the tally (one query), or None when the filters are not covered."""
    params = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in ADMIN_TO_API:
            # Only what the list's own filters read the same way: one value (Django ORs
            # repeated ones), an id or year written as the filters write it ("02023" is
            # no year to the year filter, and 2023 to the API's number field).
            if len(values) != 1 or not canonical(name, values[0]):
                return None
            params[ADMIN_TO_API[name]] = values[0]
        elif name not in NEUTRAL:
            return None  # a search, is_key, overdue, the city...: count the rows
    groups = tallies.tally_groups(request.user, params, "stage")
    if groups is None:
        return None
    return {
        "count": sum(group["projects"] for group in groups),
        "total_investment": sum((group["total_investment"] for group in groups), Decimal(0)),
        "funds_in_place": sum((group["funds_in_place"] for group in groups), Decimal(0)),
    }


def canonical(name, value):
    if name == "stage__exact":
        return True  # an unknown stage is refused by the tally's filters: rows answer
    return value.isascii() and value.isdigit() and str(int(value)) == value


def row_totals(queryset):
    """The count up to TRACKER_COUNT_CAP (a MoreThan beyond it, and no sums) and the sums
    of a list no longer than the cap, in one query over at most cap + 1 rows (a search
    that no index orders is one scan, not one for the count and another for the sums)."""
    cap = count_cap()
    # Named columns: Django sums a sliced values() by aliases it does not select.
    rows = (
        queryset.order_by()
        .annotate(row_investment=F("total_investment"), row_funds=F("funds_in_place"))
        .values("row_investment", "row_funds")[: cap + 1]
    )
    totals = rows.aggregate(
        count=Count("*"),
        total_investment=Sum("row_investment"),
        funds_in_place=Sum("row_funds"),
    )
    if totals["count"] > cap:
        return {"count": MoreThan(cap + 1)}
    return totals


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(ReadOnlyReportAdmin):
    list_display = [
        "project",
        "reported_on",
        "stage",
        "funds_in_place",
        "is_correction",
        "capital_increase",
        "author",
        "created_at",
    ]
    list_filter = ["stage", "is_correction"]
    search_fields = ["project__code", "project__name", "note"]
    list_select_related = ["project", "author"]
