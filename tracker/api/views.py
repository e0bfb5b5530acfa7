from django.db.models import Prefetch

from core.rest.reports import reports_action

from .. import services
from ..models import Department, KeyTask, TaskUpdate, WorkPoint
from .filters import DepartmentFilter, KeyTaskFilter, WorkPointFilter
from .loop import KeyTaskLoopActions
from .serializers import (
    DepartmentSerializer,
    KeyTaskSerializer,
    TaskProgressSerializer,
    TaskUpdateSerializer,
    WorkPointSerializer,
)
from .viewsets import DepartmentOwnedViewSet, TrackerReadOnlyViewSet


class DepartmentViewSet(TrackerReadOnlyViewSet):
    """Municipal departments (市直部门)."""

    queryset = Department.objects.select_related("division")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "short_name"]


class WorkPointViewSet(TrackerReadOnlyViewSet):
    """Work points (工作要点) of each year's plan, under the five aspects."""

    queryset = WorkPoint.objects.all()
    serializer_class = WorkPointSerializer
    filterset_class = WorkPointFilter
    search_fields = ["title"]
    ordering_fields = ["year", "number"]


class KeyTaskViewSet(KeyTaskLoopActions, DepartmentOwnedViewSet):
    """Key tasks (重点任务) with their deadlines and progress reports.

    Officials create and change only their own department's tasks; supervisors any.
    """

    queryset = (
        KeyTask.objects.select_related("work_point", "lead_department")
        .prefetch_related(
            "supporting_departments",
            Prefetch("updates", queryset=TaskUpdate.objects.select_related("author")),
        )
        .order_by("deadline", "code")
    )
    serializer_class = KeyTaskSerializer
    filterset_class = KeyTaskFilter
    search_fields = ["code", "title", "description"]
    ordering_fields = ["code", "deadline", "progress", "status"]
    owner_field = "lead_department"

    def save(self, task, many):
        services.save_key_task(
            task, supporting_departments=many.get("supporting_departments"), by=self.request.user
        )

    updates = reports_action(
        report_serializer=TaskUpdateSerializer,
        input_serializer=TaskProgressSerializer,
        record=services.record_task_update,
        on="task",
        description="A task's progress reports (GET); record one (POST), as on the admin page.",
    )
