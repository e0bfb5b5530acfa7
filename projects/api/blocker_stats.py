"""Unsolved problems per group for dashboards: how many, how many overdue, and since when
the oldest has waited; the groups that waited longest first."""

from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from core.rest.stats import StatsView, aggregated, city_grouping, group_serializer, stats_serializer
from tracker.models import Department

from ..choices import BlockerKind, BlockerState
from ..models import Blocker
from .filters import BlockerFilter
from .stats import choice_labels

GROUPINGS = {
    "kind": (F("kind"), choice_labels(BlockerKind)),
    "coordinating_department": (
        F("coordinating_department_id"),
        lambda keys: dict(Department.objects.filter(pk__in=keys).values_list("pk", "short_name")),
    ),
    "state": (F("state"), choice_labels(BlockerState)),
    "city": city_grouping(),
}

GROUP = group_serializer(
    "BlockerStatsGroup",
    key_help="Kind, state or city code, or department id (null: no coordinator yet).",
    blockers=serializers.IntegerField(help_text="Unsolved problems."),
    overdue=serializers.IntegerField(help_text="Unsolved and past their deadline."),
    oldest_raised_at=serializers.DateTimeField(
        allow_null=True, help_text="When the longest-waiting of them was raised."
    ),
)


class BlockerStatsView(StatsView):
    """Unsolved problems per kind, coordinating department or state: how many, how many
    overdue, and when the oldest was raised; oldest first, with the total.

    The list's filters apply (``kind``, ``project``, ``raising_department``...); the
    problems counted are always the unsolved ones.
    """

    filterset_class = BlockerFilter
    queryset = Blocker.objects.unsolved()
    groupings = GROUPINGS
    order = "oldest_raised_at"
    response_serializer = stats_serializer("BlockerStats", GROUP)

    def sums(self):
        return {
            "blockers": Count("pk"),
            "overdue": Count("pk", filter=Q(deadline__lt=timezone.localdate())),
            "oldest_raised_at": Min("raised_at"),
        }

    def get(self, request):
        # core.rest.stats.grouped adds the groups up for the total; the oldest of all is
        # the earliest of the groups' instead, so the grouping is done here.
        group_by = request.query_params.get("group_by")
        if group_by not in self.groupings:
            raise exceptions.ValidationError(
                {"group_by": _("Choose one of: %(choices)s") % {"choices": ", ".join(GROUPINGS)}}
            )
        rows = aggregated(self.queryset.all(), request)
        filterset = self.filterset_class(request.query_params, queryset=rows)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        expression, label = self.groupings[group_by]
        rows = list(
            filterset.qs.annotate(group_key=expression)
            .values("group_key")
            .annotate(**self.sums())
            .order_by("oldest_raised_at", "group_key")
        )
        labels = label([row["group_key"] for row in rows if row["group_key"] is not None])
        shown = serializers.DateTimeField()
        groups = [
            {
                "key": row["group_key"],
                "label": labels.get(row["group_key"], _("Not set")),
                "blockers": row["blockers"],
                "overdue": row["overdue"],
                "oldest_raised_at": shown.to_representation(row["oldest_raised_at"]),
            }
            for row in rows
        ]
        oldest = min((row["oldest_raised_at"] for row in rows), default=None)
        total = {
            "key": None,
            "label": _("Total"),
            "blockers": sum(row["blockers"] for row in rows),
            "overdue": sum(row["overdue"] for row in rows),
            "oldest_raised_at": shown.to_representation(oldest) if oldest else None,
        }
        return Response({"group_by": group_by, "groups": groups, "total": total})
