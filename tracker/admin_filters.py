"""The key-task list's year and deadline filters."""

from django.utils.translation import gettext_lazy as _

from core.admin_filters import YearFilter, YesNoFilter
from core.deadlines import DUE_SOON_DAYS

from .models import KeyTask
from .tallies import tally_years


class TaskYearFilter(YearFilter):
    """The year, newest first, from the user's task tally cells (tracker.tallies). The
    parameter keeps the name of the field filter it replaces (``year__exact``), so links
    made for it work."""

    title = _("year")
    parameter_name = "year__exact"
    model = KeyTask

    def tally_years(self, user):
        return tally_years(user)


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
