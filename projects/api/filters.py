import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.rest.fields import FILTER_OVERRIDES, IntegerFilter, IsoDateFilter, StrictBooleanFilter

from ..choices import UNSOLVED_STATES, BlockerKind, BlockerState
from ..ledger import FILTER_FIELDS
from ..models import Blocker, Project


class ProjectFilter(django_filters.FilterSet):
    """The admin's filters, for the list and the statistics alike: each of
    projects.ledger.FILTER_FIELDS by exact value, and the two declared here."""

    origin_province = IntegerFilter(
        method="filter_origin_province",
        label="Province the investor comes from (division id)",
    )
    year = IntegerFilter(method="filter_year", label="Ledger year")
    milestone_overdue = StrictBooleanFilter(
        method="filter_milestone_overdue", label="Next milestone past its planned date"
    )
    has_open_blockers = StrictBooleanFilter(
        method="filter_has_open_blockers", label="Has unsolved problems (困难问题)"
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

    def filter_year(self, queryset, name, year):
        return queryset if year is None else queryset.of_year(year)

    def filter_milestone_overdue(self, queryset, name, value):
        overdue = queryset.milestone_overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_has_open_blockers(self, queryset, name, value):
        if value is None:
            return queryset
        unsolved = Blocker.objects.filter(project=OuterRef("pk"), state__in=UNSOLVED_STATES)
        return queryset.filter(Exists(unsolved) if value else ~Exists(unsolved))


class StateInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """Several states, comma-separated (``?state=open,coordinating``): a parameter is
    given once in this API (core.rest.viewsets.CleanQueryMixin)."""


class BlockerFilter(django_filters.FilterSet):
    """The problems' filters, for the list and the statistics alike."""

    state = StateInFilter(
        choices=BlockerState.choices, label="States, comma-separated (open,coordinating)"
    )
    kind = django_filters.ChoiceFilter(choices=BlockerKind.choices)
    unsolved = StrictBooleanFilter(
        method="filter_unsolved", label="Not yet solved (open, coordinating or escalated)"
    )
    overdue = StrictBooleanFilter(method="filter_overdue", label="Unsolved and past deadline")
    deadline_after = IsoDateFilter(field_name="deadline", lookup_expr="gte")
    deadline_before = IsoDateFilter(field_name="deadline", lookup_expr="lte")

    class Meta:
        model = Blocker
        fields = ["project", "task", "raising_department", "coordinating_department"]
        filter_overrides = FILTER_OVERRIDES

    def filter_unsolved(self, queryset, name, value):
        if value is None:
            return queryset
        unsolved = Q(state__in=UNSOLVED_STATES)
        return queryset.filter(unsolved if value else ~unsolved)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(state__in=UNSOLVED_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(overdue if value else ~overdue)
