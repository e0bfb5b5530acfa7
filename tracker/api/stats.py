"""Key-task statistics for dashboards: totals, done, in progress, overdue, due soon."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from rest_framework import serializers

from core.deadlines import DUE_SOON_DAYS
from core.rest.stats import (
    StatsView,
    city_grouping,
    group_serializer,
    month_key,
    stats_serializer,
)

from ..choices import OPEN_TASK_STATUSES, Aspect, TaskStatus
from ..models import Department, KeyTask, WorkPoint
from ..tallies import task_tally_groups
from .filters import KeyTaskFilter

GROUPINGS = {
    "department": (
        F("lead_department_id"),
        lambda keys: dict(Department.objects.filter(pk__in=keys).values_list("pk", "short_name")),
    ),
    "aspect": (
        F("work_point__aspect"),
        lambda keys: {key: str(Aspect(key).label) for key in keys},
    ),
    "work_point": (
        F("work_point_id"),
        lambda keys: {
            pk: f"{year}-{number:02d} {title}"
            for pk, year, number, title in WorkPoint.objects.filter(pk__in=keys).values_list(
                "pk", "year", "number", "title"
            )
        },
    ),
    "month": (TruncMonth("deadline"), lambda keys: {key: month_key(key) for key in keys}),
    "city": city_grouping(),
}

COUNTS = ["tasks", "done", "in_progress", "not_started", "cancelled", "overdue", "due_soon"]
GROUP = group_serializer(
    "TaskStatsGroup",
    key_help="Id, code, city code or YYYY-MM.",
    **{name: serializers.IntegerField() for name in COUNTS},
)


def counts(today):
    is_open = Q(status__in=OPEN_TASK_STATUSES)
    return {
        "tasks": Count("pk"),
        "done": Count("pk", filter=Q(status=TaskStatus.DONE)),
        "in_progress": Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS)),
        "not_started": Count("pk", filter=Q(status=TaskStatus.NOT_STARTED)),
        "cancelled": Count("pk", filter=Q(status=TaskStatus.CANCELLED)),
        "overdue": Count("pk", filter=is_open & Q(deadline__lt=today)),
        "due_soon": Count(
            "pk",
            filter=is_open
            & Q(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
        ),
    }


class TaskStatsView(StatsView):
    """Key tasks per group: how many, done, in progress, overdue, due within 14 days."""

    filterset_class = KeyTaskFilter
    queryset = KeyTask.objects.all()
    groupings = GROUPINGS
    order = "-overdue"
    response_serializer = stats_serializer("TaskStats", GROUP)

    def sums(self):
        return counts(timezone.localdate())

    def from_tally(self, request, group_by, filterset):
        today = timezone.localdate()
        expression = self.groupings[group_by][0]
        return task_tally_groups(
            request.user,
            filterset.form.cleaned_data,
            group_by,
            filterset.qs.annotate(group_key=expression),
            today,
            today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
