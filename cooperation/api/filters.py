"""The cooperation ledger's filters, for the lists and the statistics alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.rest.fields import FILTER_OVERRIDES, IntegerFilter, StrictBooleanFilter

from ..choices import OPEN_STATES, CooperationKind, CooperationState, CounterpartKind
from ..models import AgreementArea, CooperationItem, Counterpart


def in_province(prefix, province_id):
    """``prefix``'s division is the province ``province_id`` or lies up to two levels under
    it (a prefecture, a district): the depth of GB/T 2260."""
    return (
        Q(**{f"{prefix}division_id": province_id})
        | Q(**{f"{prefix}division__parent_id": province_id})
        | Q(**{f"{prefix}division__parent__parent_id": province_id})
    )


def items_with_counterpart(condition):
    """Items with at least one counterpart meeting ``condition`` (a Q on the through
    table's ``counterpart``): an EXISTS, so an item is never counted twice."""
    through = CooperationItem.counterparts.through.objects.filter(
        condition, cooperationitem_id=OuterRef("pk")
    )
    return Exists(through)


class CooperationItemFilter(django_filters.FilterSet):
    """Each of the item's links and choices by exact value, and the ones declared here."""

    kind = django_filters.ChoiceFilter(choices=CooperationKind.choices)
    state = django_filters.ChoiceFilter(choices=CooperationState.choices)
    counterpart = IntegerFilter(method="filter_counterpart", label="Works with this counterpart")
    counterpart_province = IntegerFilter(
        method="filter_counterpart_province",
        label="Works with a counterpart in this province (division id)",
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue", label="Planned or under way and past its deadline"
    )
    landed = StrictBooleanFilter(
        field_name="project", lookup_expr="isnull", exclude=True, label="Landed as a project"
    )

    class Meta:
        model = CooperationItem
        fields = ["kind", "year", "department", "division", "state", "agreement", "area", "project"]
        filter_overrides = FILTER_OVERRIDES

    def filter_counterpart(self, queryset, name, counterpart_id):
        if counterpart_id is None:
            return queryset
        # By id, not Counterpart(pk=...): an id no row has matches nothing.
        return queryset.filter(items_with_counterpart(Q(counterpart_id=counterpart_id)))

    def filter_counterpart_province(self, queryset, name, province_id):
        if province_id is None:
            return queryset
        return queryset.filter(items_with_counterpart(in_province("counterpart__", province_id)))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(overdue if value else ~overdue)


class CounterpartFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CounterpartKind.choices)
    province = IntegerFilter(
        method="filter_province", label="In this province (division id), at any level"
    )

    class Meta:
        model = Counterpart
        fields = ["kind", "division"]
        filter_overrides = FILTER_OVERRIDES

    def filter_province(self, queryset, name, province_id):
        if province_id is None:
            return queryset
        return queryset.filter(in_province("", province_id))


class AgreementAreaFilter(django_filters.FilterSet):
    department = IntegerFilter(
        field_name="agreement__department", label="The agreement's department (id)"
    )

    class Meta:
        model = AgreementArea
        fields = ["agreement"]
        filter_overrides = FILTER_OVERRIDES
