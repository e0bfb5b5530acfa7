"""The region lists' filters: links by id, where an unknown id matches nothing (not a 400)."""

import django_filters

from config.rest.fields import INTEGER_FILTERS

from ..models import CounterpartPairing, Division, Park


class DivisionFilter(django_filters.FilterSet):
    class Meta:
        model = Division
        fields = ["level", "parent", "code"]
        filter_overrides = INTEGER_FILTERS


class ParkFilter(django_filters.FilterSet):
    class Meta:
        model = Park
        fields = ["kind", "division", "partner_division"]
        filter_overrides = INTEGER_FILTERS


class CounterpartPairingFilter(django_filters.FilterSet):
    class Meta:
        model = CounterpartPairing
        fields = ["home", "counterpart"]
        filter_overrides = INTEGER_FILTERS
