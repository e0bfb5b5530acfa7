"""Project statistics for dashboards: counts and money per group, with the grand total."""

from decimal import Decimal

from django.db.models import Case, Count, F, Sum, When
from django.db.models.functions import TruncMonth
from rest_framework import serializers

from core.rest.stats import (
    StatsView,
    city_grouping,
    group_serializer,
    month_key,
    stats_serializer,
)
from regions.choices import DivisionLevel
from regions.models import Division, Park

from ..choices import BaseFunction, Stage
from ..models import IndustryChain, Project
from ..tallies import tally_groups
from .filters import ProjectFilter


def money(value):
    """万元 as a decimal string with two places, as the list endpoints give money."""
    return f"{Decimal(value or 0):.2f}"


def in_money(row):
    return {
        **row,
        "total_investment": money(row["total_investment"]),
        "funds_in_place": money(row["funds_in_place"]),
    }


def labels_of(model, field="name"):
    return lambda keys: dict(model.objects.filter(pk__in=keys).values_list("pk", field))


def choice_labels(choices):
    return lambda keys: {key: str(choices(key).label) for key in keys if key}


# group_by value -> (expression to group on, how to label its keys)
GROUPINGS = {
    "stage": (F("stage"), choice_labels(Stage)),
    "origin_province": (
        Case(
            When(origin__level=DivisionLevel.PROVINCE, then=F("origin_id")),
            When(origin__parent__level=DivisionLevel.PROVINCE, then=F("origin__parent_id")),
            default=F("origin__parent__parent_id"),
        ),
        labels_of(Division),
    ),
    # Named by a second, small query: grouping by a joined name made PostgreSQL join all
    # 100,000 rows before grouping them (3× slower for parks in bench/run.py).
    "host_division": (F("host_division_id"), labels_of(Division)),
    "park": (F("park_id"), labels_of(Park)),
    "industry_chain": (F("industry_chain_id"), labels_of(IndustryChain)),
    "base_function": (F("base_function"), choice_labels(BaseFunction)),
    "year": (F("year"), lambda keys: {key: str(key) for key in keys}),
    # Month of signing (YYYY-MM): the dashboard's funds in place month by month.
    "month": (TruncMonth("signed_on"), lambda keys: {key: month_key(key) for key in keys}),
    # A province's roll-up, city by city (key: the city's GB/T 2260 code).
    "city": city_grouping(),
}

MONEY = serializers.DecimalField(
    max_digits=16, decimal_places=2, coerce_to_string=True, help_text="In 万元."
)
GROUP = group_serializer(
    "ProjectStatsGroup",
    key_help="Id (divisions, parks, chains), code, city code or year of the group.",
    label_help="Chinese (or English) label of the group.",
    projects=serializers.IntegerField(),
    total_investment=MONEY,
    funds_in_place=MONEY,
)


class ProjectStatsView(StatsView):
    """Projects per group: count, total investment and funds in place (万元), and the total."""

    filterset_class = ProjectFilter
    queryset = Project.objects.all()
    groupings = GROUPINGS
    order = "-funds_in_place"
    unit = "万元"
    response_serializer = stats_serializer("ProjectStats", GROUP, unit=True)

    def sums(self):
        return {
            "projects": Count("pk"),
            "total_investment": Sum("total_investment", default=0),
            "funds_in_place": Sum("funds_in_place", default=0),
        }

    def shown(self, row):
        return in_money(row)

    def from_tally(self, request, group_by, filterset):
        groups = tally_groups(
            request.user, request.query_params, group_by, filterset.form.cleaned_data
        )
        if groups is None:
            return None
        return [{"group_key": group.pop("key"), **group} for group in groups]
