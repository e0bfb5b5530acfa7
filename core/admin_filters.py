"""Generic admin list filters."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
