"""Project statistics for dashboards: counts and money per group, with the grand total."""

from decimal import Decimal

from django.db.models import Case, Count, F, Sum, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.rest.viewsets import CleanQueryMixin
from regions.choices import DivisionLevel
from regions.models import Division, Park

from ..choices import BaseFunction, Stage
from ..models import IndustryChain, Project
from .filters import ProjectFilter


def money(value):
    """万元 as a decimal string with two places, as the list endpoints give money."""
    return f"{Decimal(value or 0):.2f}"


def month_key(value):
    return value.strftime("%Y-%m") if value else None


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
}

MONEY = serializers.DecimalField(
    max_digits=16, decimal_places=2, coerce_to_string=True, help_text="In 万元."
)
GROUP = inline_serializer(
    "ProjectStatsGroup",
    {
        "key": serializers.JSONField(
            allow_null=True, help_text="Id (divisions, parks, chains), code or year of the group."
        ),
        "label": serializers.CharField(help_text="Chinese (or English) label of the group."),
        "projects": serializers.IntegerField(),
        "total_investment": MONEY,
        "funds_in_place": MONEY,
    },
)


class ProjectStatsView(CleanQueryMixin, APIView):
    """Projects per group: count, total investment and funds in place (万元), and the total."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", enum=list(GROUPINGS), required=True),
            *[
                OpenApiParameter(name, str, description="As on the project list.")
                for name in ProjectFilter.base_filters
            ],
        ],
        responses=inline_serializer(
            "ProjectStats",
            {
                "group_by": serializers.CharField(),
                "unit": serializers.CharField(),
                "groups": GROUP.__class__(many=True),
                "total": GROUP,
            },
        ),
    )
    def get(self, request):
        group_by = request.query_params.get("group_by")
        if group_by not in GROUPINGS:
            raise exceptions.ValidationError(
                {"group_by": _("Choose one of: %(choices)s") % {"choices": ", ".join(GROUPINGS)}}
            )
        filterset = ProjectFilter(request.query_params, queryset=Project.objects.all())
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        projects = filterset.qs
        expression, label = GROUPINGS[group_by]
        sums = {
            "projects": Count("pk"),
            "total_investment": Sum("total_investment", default=0),
            "funds_in_place": Sum("funds_in_place", default=0),
        }
        rows = list(
            projects.annotate(group_key=expression)
            .values("group_key")
            .annotate(**sums)
            .order_by("-funds_in_place", "group_key")
        )
        labels = label([row["group_key"] for row in rows if row["group_key"] is not None])
        groups = [
            in_money(
                {
                    "key": month_key(row["group_key"]) if group_by == "month" else row["group_key"],
                    "label": labels.get(row["group_key"], _("Not set")),
                    **{name: row[name] for name in sums},
                }
            )
            for row in rows
        ]
        # The groups partition the projects, so the total is their sum: no second scan.
        total = in_money({name: sum(row[name] or 0 for row in rows) for name in sums})
        return Response(
            {
                "group_by": group_by,
                "unit": "万元",
                "groups": groups,
                "total": {"key": None, "label": _("Total"), **total},
            }
        )
