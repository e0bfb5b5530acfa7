from django.contrib import admin

from core.admin import OwnedAdmin, RecordHistoryAdmin

from .models import CounterpartPairing, Division, Park


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
