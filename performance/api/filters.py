import django_filters

from core.rest.fields import FILTER_OVERRIDES

from ..counting import Unit
from ..models import Target
from ..units import targets_of_unit


class TargetFilter(django_filters.FilterSet):
    unit = django_filters.ChoiceFilter(
        choices=Unit.choices, method="filter_unit", label="county, city or department"
    )

    class Meta:
        model = Target
        fields = ["year", "division", "department"]
        filter_overrides = FILTER_OVERRIDES

    def filter_unit(self, queryset, name, value):
        return targets_of_unit(queryset, value)
