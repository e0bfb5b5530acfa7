"""Generic admin list filters."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class YesNoFilter(admin.SimpleListFilter):
    """A filter with two answers; subclasses implement ``filter_yes``, and "no" is every
    other row (as a subquery on ids, which the database plans as an anti-join)."""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return self.filter_yes(queryset, today)
        if self.value() == "no":
            return self.filter_no(queryset, today)
        return queryset

    def filter_no(self, queryset, today):
        return queryset.exclude(pk__in=self.filter_yes(queryset, today).values("pk"))
