from django.contrib import admin
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import OwnedAdmin

from .calendar import covers, missing_year_warning
from .models import CalendarException


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


def calendar_status(today):
    """Lines for the top of the list: is the official calendar known for this year and the
    next, and the warning supervisors must act on, if any."""
    lines = []
    for year in (today.year, today.year + 1):
        if covers(year):
            text = _("The State Council's holiday calendar for %(year)s is in the tracker.")
        else:
            text = _(
                "The State Council's holiday calendar for %(year)s is not yet in the tracker: "
                "Monday to Friday count as working days, with the exceptions below."
            )
        lines.append({"ok": covers(year), "text": text % {"year": year}})
    warning = missing_year_warning(today)
    if warning:
        lines.append({"ok": False, "text": warning})
    return lines


@admin.register(CalendarException)
class CalendarExceptionAdmin(OwnedAdmin):
    list_display = ["date", "weekday", "is_workday", "note"]
    list_filter = [YearFilter, "is_workday"]
    search_fields = ["note"]
    change_list_template = "admin/workdays/calendarexception/change_list.html"

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "calendar_status": calendar_status(timezone.localdate()),
        }
        return super().changelist_view(request, extra_context)
