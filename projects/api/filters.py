import django_filters
from django.db.models import Q
from django.utils import timezone

from core.rest.fields import FILTER_OVERRIDES, IntegerFilter, StrictBooleanFilter

from ..ledger import FILTER_FIELDS
from ..models import Project


class ProjectFilter(django_filters.FilterSet):
    """The admin's filters, for the list and the statistics alike: each of
    projects.ledger.FILTER_FIELDS by exact value, and the two declared here."""

    origin_province = IntegerFilter(
        method="filter_origin_province",
        label="Province the investor comes from (division id)",
    )
    milestone_overdue = StrictBooleanFilter(
        method="filter_milestone_overdue", label="Next milestone past its planned date"
    )

    class Meta:
        model = Project
        fields = list(FILTER_FIELDS)
        filter_overrides = FILTER_OVERRIDES

    def filter_origin_province(self, queryset, name, province_id):
        if province_id is None:
            return queryset
        # By id, not Division(pk=...): an id beyond bigint then matches nothing instead of
        # overflowing the database driver.
        return queryset.filter(
            Q(origin_id=province_id)
            | Q(origin__parent_id=province_id)
            | Q(origin__parent__parent_id=province_id)
        )

    def filter_milestone_overdue(self, queryset, name, value):
        overdue = queryset.milestone_overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
