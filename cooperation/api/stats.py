"""Cooperation statistics for dashboards: items per kind, year, department, county,
counterpart province or state, with what they achieved, invested and brought, and the
projects they became.

``GET /api/v1/stats/cooperation/?group_by=kind&year=2023``; the list's filters apply.
"""

from django.db.models import Case, F, Q, When
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from core.rest.stats import StatsView, aggregated, city_grouping, group_serializer, stats_serializer
from projects.api.stats import choice_labels, labels_of, money
from regions.choices import DivisionLevel
from regions.models import Division
from tracker.models import Department

from .. import stats
from ..choices import CooperationKind, CooperationState
from ..models import CooperationItem
from .filters import CooperationItemFilter, in_province, items_with_counterpart

PROVINCE = "counterpart_province"


def counterpart_provinces(items):
    """The provinces the counterparts of ``items`` are in, by id (one query)."""
    through = CooperationItem.counterparts.through.objects.filter(
        cooperationitem__in=items.values("pk"), counterpart__division__isnull=False
    )
    province = Case(
        When(counterpart__division__level=DivisionLevel.PROVINCE, then=F("counterpart__division")),
        When(
            counterpart__division__parent__level=DivisionLevel.PROVINCE,
            then=F("counterpart__division__parent"),
        ),
        default=F("counterpart__division__parent__parent"),
    )
    found = through.annotate(province=province).values_list("province", flat=True).distinct()
    return sorted({pk for pk in found if pk is not None})


# group_by value -> (expression to group on, keys -> labels). The counterpart province is
# not a column of the item (an item may work with partners in two provinces): its
# expression is never grouped on, see CooperationStatsView.by_province.
GROUPINGS = {
    "kind": (F("kind"), choice_labels(CooperationKind)),
    "year": (F("year"), lambda keys: {key: str(key) for key in keys}),
    "department": (F("department_id"), labels_of(Department, "short_name")),
    "county": (F("division_id"), labels_of(Division)),
    PROVINCE: (None, labels_of(Division)),
    "state": (F("state"), choice_labels(CooperationState)),
    "city": city_grouping(),
}
assert tuple(GROUPINGS) == stats.GROUPINGS

MONEY = serializers.DecimalField(
    max_digits=16, decimal_places=2, coerce_to_string=True, help_text="In 万元."
)
GROUP = group_serializer(
    "CooperationStatsGroup",
    key_help="Kind, state, year or city code; department or division id (null: not set).",
    label_help="Chinese (or English) label of the group.",
    items=serializers.IntegerField(help_text="Cooperation items."),
    achieved=serializers.IntegerField(help_text="Items achieved (landed, completed)."),
    investment=MONEY,
    people=serializers.IntegerField(help_text="Experts or people the items bring."),
    landed_projects=serializers.IntegerField(help_text="Items that became a project."),
    landed_investment=serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        coerce_to_string=True,
        help_text="In 万元: the total investment of the projects the items became.",
    ),
)


class CooperationStatsView(StatsView):
    """Cooperation items per group: how many, how many achieved, investment and people,
    and the projects they became with those projects' investment (万元), with the total.

    Grouped by ``counterpart_province``, an item working with partners in two provinces
    counts in both groups and once in the total; items with no located counterpart are
    the group with key null.
    """

    filterset_class = CooperationItemFilter
    queryset = CooperationItem.objects.all()
    groupings = GROUPINGS
    order = "-items"
    unit = "万元"
    response_serializer = stats_serializer("CooperationStats", GROUP, unit=True)

    def sums(self):
        return stats.sums()

    def shown(self, row):
        return {
            **row,
            "investment": money(row["investment"]),
            "landed_investment": money(row["landed_investment"]),
        }

    def get(self, request):
        if request.query_params.get("group_by") != PROVINCE:
            return super().get(request)
        rows = aggregated(self.queryset.all(), request)
        filterset = self.filterset_class(request.query_params, queryset=rows)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        groups, total = self.by_province(filterset.qs)
        return Response(
            {
                "group_by": PROVINCE,
                "unit": self.unit,
                "groups": [self.shown(group) for group in groups],
                "total": {"key": None, "label": _("Total"), **self.shown(total)},
            }
        )

    def by_province(self, items):
        """Groups and total in three queries: which provinces, then every province's sums
        (each over the items with a counterpart there) and the total's in one row, then
        the provinces' names."""
        provinces = counterpart_provinces(items)
        located = items_with_counterpart(Q(counterpart__division__isnull=False))
        conditions = {
            **{pk: items_with_counterpart(in_province("counterpart__", pk)) for pk in provinces},
            None: ~located,
        }
        aggregates = {}
        for index, condition in enumerate(conditions.values()):
            aggregates.update(
                {f"g{index}_{name}": value for name, value in stats.sums(condition).items()}
            )
        row = items.order_by().aggregate(**aggregates, **stats.sums())
        labels = GROUPINGS[PROVINCE][1](provinces)
        groups = []
        for index, key in enumerate(conditions):
            group = {name: row[f"g{index}_{name}"] for name in stats.SUMS}
            if group["items"]:
                groups.append({"key": key, "label": labels.get(key, _("Not set")), **group})
        groups.sort(key=lambda group: (-group["items"], group["key"] is None, group["key"] or 0))
        return groups, {name: row[name] for name in stats.SUMS}
