from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..models import Department, KeyTask, TaskUpdate, WorkPoint
from .filters import DepartmentFilter, KeyTaskFilter, WorkPointFilter
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


class KeyTaskViewSet(DepartmentOwnedViewSet):
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

    @extend_schema(methods=["GET"], responses=TaskUpdateSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=TaskProgressSerializer, responses={201: TaskUpdateSerializer}
    )
    @action(detail=True, methods=["get", "post"], serializer_class=TaskUpdateSerializer)
    def updates(self, request, pk=None):
        """A task's progress reports (GET); record one (POST), as on the admin page."""
        task = self.get_object()
        if request.method == "GET":
            reports = task.updates.all()
            page = self.paginate_queryset(reports)
            if page is None:  # a spreadsheet: every report
                return Response(TaskUpdateSerializer(reports, many=True).data)
            return self.get_paginated_response(TaskUpdateSerializer(page, many=True).data)
        report = TaskProgressSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        update = services.record_task_update(
            task=task, author=request.user, **report.validated_data
        )
        return Response(TaskUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
