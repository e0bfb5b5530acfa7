"""The key-task list's deadline filters."""

from django.utils.translation import gettext_lazy as _

from core.admin_filters import YesNoFilter
from core.deadlines import DUE_SOON_DAYS


class TaskOverdueFilter(YesNoFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def filter_yes(self, queryset, today):
        return queryset.overdue(today)


class TaskDueSoonFilter(YesNoFilter):
    title = _("due within 14 days")
    parameter_name = "due_soon"

    def filter_yes(self, queryset, today):
        return queryset.due_within(DUE_SOON_DAYS, today)
