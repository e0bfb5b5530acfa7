import django_filters
from django.db.models import Q
from django.utils import timezone

from core.deadlines import DUE_SOON_DAYS
from core.rest.fields import FILTER_OVERRIDES, IsoDateFilter, StrictBooleanFilter

from ..choices import OPEN_TASK_STATUSES, Aspect
from ..models import Department, KeyTask, WorkPoint


class KeyTaskFilter(django_filters.FilterSet):
    aspect = django_filters.ChoiceFilter(field_name="work_point__aspect", choices=Aspect.choices)
    overdue = StrictBooleanFilter(method="filter_overdue", label="Open and past deadline")
    due_soon = StrictBooleanFilter(
        method="filter_due_soon", label=f"Open and due within {DUE_SOON_DAYS} days"
    )
    open = StrictBooleanFilter(
        method="filter_open", label="Still owed (not started or in progress)"
    )
    deadline_after = IsoDateFilter(field_name="deadline", lookup_expr="gte")
    deadline_before = IsoDateFilter(field_name="deadline", lookup_expr="lte")

    class Meta:
        model = KeyTask
        fields = ["year", "aspect", "work_point", "lead_department", "status", "state"]
        filter_overrides = FILTER_OVERRIDES

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_open(self, queryset, name, value):
        is_open = Q(status__in=OPEN_TASK_STATUSES)
        return queryset.filter(is_open if value else ~is_open)

    def filter_due_soon(self, queryset, name, value):
        soon = queryset.due_within(DUE_SOON_DAYS, timezone.localdate())
        return soon if value else queryset.exclude(pk__in=soon.values("pk"))


class DepartmentFilter(django_filters.FilterSet):
    class Meta:
        model = Department
        fields = ["division", "has_liaison_section"]
        filter_overrides = FILTER_OVERRIDES


class WorkPointFilter(django_filters.FilterSet):
    class Meta:
        model = WorkPoint
        fields = ["year", "aspect"]
        filter_overrides = FILTER_OVERRIDES
