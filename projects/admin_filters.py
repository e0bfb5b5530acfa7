from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from regions.models import Division
from tracker.admin_filters import YesNoFilter


class OriginProvinceFilter(admin.SimpleListFilter):
    title = _("origin province")
    parameter_name = "origin_province"

    def lookups(self, request, model_admin):
        return [(str(p.pk), p.name) for p in Division.objects.provinces().order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.from_province(Division(pk=int(self.value())))
        return queryset


class MilestoneOverdueFilter(YesNoFilter):
    title = _("milestone overdue")
    parameter_name = "milestone_overdue"

    def filter_yes(self, queryset, today):
        return queryset.milestone_overdue(today)
