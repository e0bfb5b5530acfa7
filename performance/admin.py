"""The annual targets in the admin: supervisors change them (by hand or by Excel import),
everyone signed in reads them. The rankings' pages live in admin_rankings (imported here
so that the admin finds them)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import RecordHistoryAdmin
from core.display import wan
from core.ledger_admin import LedgerAdmin
from regions.choices import COUNTY_LEVELS

from . import admin_rankings  # noqa: F401
from .counting import Unit
from .models import Target
from .resources import TargetResource
from .services import delete_targets, save_target, target_errors
from .units import targets_of_unit, unit_of_target


class UnitKindFilter(admin.SimpleListFilter):
    title = _("unit")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        return Unit.choices

    def queryset(self, request, queryset):
        return targets_of_unit(queryset, self.value())


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "year",
            "division",
            "department",
            "signed_projects",
            "started_projects",
            "producing_projects",
            "funds_in_place",
            "jjj_projects",
            "note",
        ]

    def _post_clean(self):
        super()._post_clean()
        # The service's own checks, shown on the form instead of failing the save.
        try:
            errors = target_errors(self.instance)
        except ValidationError:
            return
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)


@admin.register(Target)
class TargetAdmin(LedgerAdmin, RecordHistoryAdmin):
    form = TargetForm
    resource_classes = [TargetResource]
    list_display = [
        "year",
        "unit_display",
        "unit_kind",
        "signed_projects",
        "started_projects",
        "producing_projects",
        "funds_display",
        "jjj_projects",
        "note",
        "updated_at",
    ]
    list_display_links = ["year", "unit_display"]
    list_filter = [
        "year",
        UnitKindFilter,
        ("division", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "division__name",
        "division__code",
        "department__name",
        "department__short_name",
        "note",
    ]
    list_select_related = ["division", "department"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["year", "division", "department"]}),
        (
            _("annual targets"),
            {
                "fields": [
                    "signed_projects",
                    "started_projects",
                    "producing_projects",
                    "funds_in_place",
                    "jjj_projects",
                ],
                "description": _("Leave a measure blank when the unit has no target for it."),
            },
        ),
        (None, {"fields": ["note", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("county or department"))
    def unit_display(self, target):
        return target.division or target.department

    @admin.display(description=_("unit"))
    def unit_kind(self, target):
        return unit_of_target(target).label

    @admin.display(description=_("funds in place (10,000 yuan)"), ordering="funds_in_place")
    def funds_display(self, target):
        return "-" if target.funds_in_place is None else wan(target.funds_in_place)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "division":
            # Only county-level divisions are ranked; the service refuses the others.
            kwargs["queryset"] = db_field.related_model.objects.filter(level__in=COUNTY_LEVELS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        save_target(obj, by=request.user)

    def delete_model(self, request, obj):
        delete_targets(Target.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        delete_targets(queryset, by=request.user)
