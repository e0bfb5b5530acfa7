from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import OwnedAdmin, RecordHistoryAdmin

from .choices import TenantKind
from .models import CounterpartPairing, Division, Park, Region, Tenant


@admin.register(Division)
class DivisionAdmin(OwnedAdmin):
    list_display = ["name", "code", "level", "parent", "name_en"]
    list_filter = ["level"]
    search_fields = ["name", "name_en", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Park)
class ParkAdmin(OwnedAdmin):
    list_display = ["name", "kind", "division", "partner_division", "established_on", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "name_en"]
    autocomplete_fields = ["division", "partner_division", "host_park"]
    list_select_related = ["division", "partner_division"]


@admin.register(CounterpartPairing)
class CounterpartPairingAdmin(RecordHistoryAdmin):
    list_display = ["home", "counterpart", "established_on", "areas", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["home__name", "counterpart__name", "areas"]
    autocomplete_fields = ["home", "counterpart"]
    list_select_related = ["home", "counterpart"]


class OperatorsOnlyAdmin(admin.ModelAdmin):
    """The deployment's own set-up (which cities it serves, which regions read across
    them): its operators (superusers) only, whatever a group's permissions say."""

    def operator(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.operator(request)

    def has_view_permission(self, request, obj=None):
        return self.operator(request)

    def has_add_permission(self, request):
        return self.operator(request)

    def has_change_permission(self, request, obj=None):
        return self.operator(request)

    def has_delete_permission(self, request, obj=None):
        return self.operator(request)


@admin.register(Tenant)
class TenantAdmin(OperatorsOnlyAdmin):
    list_display = ["code", "name", "kind", "parent", "is_demo"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    fields = [
        "code",
        "name",
        "kind",
        "parent",
        "bulletin_issuer",
        "bulletin_number_prefix",
        "courting_hint",
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code is the key every record of the city points at.
        return ["code"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Tenant.objects.filter(kind=TenantKind.PROVINCE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Region)
class RegionAdmin(OperatorsOnlyAdmin):
    list_display = ["name", "city_names", "chain_groups", "is_demo"]
    search_fields = ["name"]
    fields = ["name", "cities", "chain_groups"]
    filter_horizontal = ["cities"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cities")

    @admin.display(description=_("cities"))
    def city_names(self, region):
        return "、".join(city.name for city in region.cities.all()) or "-"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "cities":
            kwargs["queryset"] = Tenant.objects.cities()
        return super().formfield_for_manytomany(db_field, request, **kwargs)
