import django_filters
from django.utils import timezone

from regions.models import Division

from ..models import Project


class ProjectFilter(django_filters.FilterSet):
    """The admin's filters, for the list and the statistics alike."""

    origin_province = django_filters.NumberFilter(
        method="filter_origin_province",
        label="Province the investor comes from (division id)",
    )
    milestone_overdue = django_filters.BooleanFilter(
        method="filter_milestone_overdue", label="Next milestone past its planned date"
    )

    class Meta:
        model = Project
        fields = [
            "stage",
            "origin",
            "origin_province",
            "host_division",
            "park",
            "industry_chain",
            "base_function",
            "responsible_department",
            "year",
            "is_key",
        ]

    def filter_origin_province(self, queryset, name, province_id):
        if province_id is None:
            return queryset
        return queryset.from_province(Division(pk=province_id))

    def filter_milestone_overdue(self, queryset, name, value):
        overdue = queryset.milestone_overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
