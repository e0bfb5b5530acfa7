"""The cooperation ledger in the admin: items (with their reports, evidence, Excel and,
on an agreement, its areas), counterparts (supervisors keep them), and the reports."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import RecordHistoryAdmin, VersionedForm
from core.admin_lists import LargeListAdmin
from core.admin_reports import ReadOnlyReportAdmin, RecordReportAdmin, ReportHistoryInline
from core.deadlines import light_for
from core.display import light
from core.evidence_forms import MultipleEvidenceField
from core.ledger_admin import LedgerAdmin
from core.ownership import is_supervisor
from projects.admin import ProjectAdmin
from tracker.admin_scoping import DepartmentScopedAdmin

from . import services
from .admin_agreements import AreasAdmin, LandedFromInline
from .choices import OPEN_STATES, CooperationState
from .deadlines import overdue_filter
from .models import CooperationItem, CooperationUpdate, Counterpart
from .resources import CooperationItemResource


@admin.register(Counterpart)
class CounterpartAdmin(RecordHistoryAdmin):
    """Reference data: every official reads the list, supervisors keep it."""

    list_display = ["name", "kind", "division", "province"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["division"]
    list_select_related = ["division__parent__parent"]

    @admin.display(description=_("province"))
    def province(self, counterpart):
        return counterpart.division.province if counterpart.division else "-"

    def save_model(self, request, obj, form, change):
        services.save_counterpart(obj, by=request.user)


class CooperationUpdateInline(ReportHistoryInline):
    model = CooperationUpdate
    fields = ["reported_on", "state", "note", "evidence_links", "author", "created_at"]
    evidence_url_name = "cooperation_evidence"


class CooperationReportForm(forms.Form):
    reported_on = forms.DateField(label=_("reported on"), widget=AdminDateWidget)
    state = forms.ChoiceField(label=_("state"), choices=CooperationState.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False)
    files = MultipleEvidenceField(label=_("evidence files"), required=False)


class CooperationItemForm(VersionedForm):
    def clean_project(self):
        # The service re-checks under a lock; here the official learns it field by field.
        project = self.cleaned_data.get("project")
        if project is not None:
            taken = CooperationItem.objects.filter(project=project).exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError(
                    _("This project is already linked to the cooperation item %(item)s.")
                    % {"item": taken.first().code}
                )
        return project

    def _save_m2m(self):
        """The counterparts are saved by the service, with the item (save_model)."""


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        overdue = overdue_filter(queryset, timezone.localdate())
        if self.value() == "yes":
            return overdue
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue.values("pk"))
        return queryset


@admin.register(CooperationItem)
class CooperationItemAdmin(
    AreasAdmin,
    LargeListAdmin,
    DepartmentScopedAdmin,
    RecordReportAdmin,
    LedgerAdmin,
    RecordHistoryAdmin,
):
    form = CooperationItemForm
    owner_field = "department"
    save_service = None  # save_model below passes the counterparts too
    reported_fields = services.REPORTED_ITEM_FIELDS
    resource_classes = [CooperationItemResource]
    report_form_class = CooperationReportForm
    report_button_label = _("Record cooperation progress")
    list_display = [
        "kind",
        "code",
        "title",
        "department",
        "division",
        "counterparts_names",
        "state",
        "deadline_light",
        "last_reported_on",
        "report_link",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "kind",
        "year",
        ("department", admin.RelatedOnlyFieldListFilter),
        ("division", admin.RelatedOnlyFieldListFilter),
        "state",
        ("counterparts", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    ]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["department", "division", "counterparts", "agreement", "project"]
    list_select_related = ["department", "division"]
    inlines = [CooperationUpdateInline]

    def get_queryset(self, request):
        latest = CooperationUpdate.objects.filter(item=OuterRef("pk")).order_by("-reported_on")
        return (
            super()
            .get_queryset(request)
            .annotate(last_reported_on=Subquery(latest.values("reported_on")[:1]))
            .prefetch_related("counterparts")
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.updates.exists():
            counted = () if is_supervisor(request.user) else services.COUNTED_ITEM_FIELDS
            fields += [name for name in counted if name not in fields]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = db_field.related_model.objects.select_related("agreement")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("counterparts"))
    def counterparts_names(self, item):
        return "、".join(c.name for c in item.counterparts.all()) or "-"

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_light(self, item):
        if item.deadline is None or item.state not in OPEN_STATES:
            return light(light_for(None), item.deadline.isoformat() if item.deadline else "")
        return light(light_for(item.deadline), item.deadline.isoformat())

    @admin.display(description=_("last report"), ordering="last_reported_on")
    def last_reported_on(self, item):
        return item.last_reported_on or "-"

    def save_model(self, request, obj, form, change):
        # The service checks the department rule before and after saving, and the version.
        counterparts = form.cleaned_data.get("counterparts")
        services.save_item(
            obj, by=request.user, counterparts=None if counterparts is None else list(counterparts)
        )

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("counterparts")

    def report_initial(self, item):
        state = CooperationState.IN_PROGRESS if item.state == "planned" else item.state
        return {"reported_on": timezone.localdate(), "state": state}

    def record_report(self, item, user, data):
        services.record_cooperation_update(item=item, author=user, **data)


@admin.register(CooperationUpdate)
class CooperationUpdateAdmin(ReadOnlyReportAdmin):
    list_display = ["item", "reported_on", "state", "author", "created_at"]
    list_filter = ["state"]
    search_fields = ["item__code", "item__title", "note"]
    list_select_related = ["item", "author"]


# The link seen from the project: the items it came from, on the project's page.
ProjectAdmin.inlines = [*ProjectAdmin.inlines, LandedFromInline]
