"""The region lists' filters: links by id, where an unknown id matches nothing (not a 400)."""

import django_filters

from core.rest.fields import FILTER_OVERRIDES

from ..models import CounterpartPairing, Division, Park


class DivisionFilter(django_filters.FilterSet):
    class Meta:
        model = Division
        fields = ["level", "parent", "code"]
        filter_overrides = FILTER_OVERRIDES


class ParkFilter(django_filters.FilterSet):
    class Meta:
        model = Park
        fields = ["kind", "division", "partner_division"]
        filter_overrides = FILTER_OVERRIDES


class CounterpartPairingFilter(django_filters.FilterSet):
    class Meta:
        model = CounterpartPairing
        fields = ["home", "counterpart"]
        filter_overrides = FILTER_OVERRIDES
