"""List filters for deadlines, shared in spirit by tasks and projects."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DUE_SOON_DAYS


class YesNoFilter(admin.SimpleListFilter):
    """A filter with two answers; subclasses implement ``filter_yes`` and ``filter_no``."""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return self.filter_yes(queryset, today)
        if self.value() == "no":
            return self.filter_no(queryset, today)
        return queryset


class TaskOverdueFilter(YesNoFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def filter_yes(self, queryset, today):
        return queryset.overdue(today)

    def filter_no(self, queryset, today):
        return queryset.exclude(pk__in=queryset.overdue(today).values("pk"))


class TaskDueSoonFilter(YesNoFilter):
    title = _("due within 14 days")
    parameter_name = "due_soon"

    def filter_yes(self, queryset, today):
        return queryset.due_within(DUE_SOON_DAYS, today)

    def filter_no(self, queryset, today):
        return queryset.exclude(pk__in=queryset.due_within(DUE_SOON_DAYS, today).values("pk"))
