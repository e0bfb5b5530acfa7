from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.deadlines import days_left
from core.evidence_rest import EvidenceUploadsField
from core.rest.fields import (
    TIMESTAMPS,
    YEAR,
    LabelField,
    OneLineFieldsMixin,
    RecordedAt,
    RelatedName,
)

from .. import loop
from ..choices import LoopAction, TaskStatus
from ..ladder import working_days_after_deadline
from ..models import Department, KeyTask, TaskUpdate, WorkPoint
from ..reporting import next_report_due
from .loop import LoopContext, RungSerializer


class DepartmentSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "short_name",
            "division",
            "division_name",
            "has_liaison_section",
            "email",
            *TIMESTAMPS,
        ]
        one_line_fields = ["name", "short_name"]


class WorkPointSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    aspect_label = LabelField("aspect")

    class Meta:
        model = WorkPoint
        fields = ["id", "year", "aspect", "aspect_label", "number", "title", *TIMESTAMPS]
        one_line_fields = ["title"]
        extra_kwargs = {"year": YEAR}


class TaskUpdateSerializer(serializers.ModelSerializer):
    status_label = LabelField("status")
    author_name = RelatedName("author.username")
    updated_at = RecordedAt()

    class Meta:
        model = TaskUpdate
        fields = [
            "id",
            "reported_on",
            "status",
            "status_label",
            "progress",
            "note",
            "author",
            "author_name",
            *TIMESTAMPS,
        ]
        read_only_fields = ["author", "created_at"]


class KeyTaskSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    work_point_title = serializers.CharField(source="work_point.title", read_only=True)
    aspect = serializers.CharField(source="work_point.aspect", read_only=True)
    aspect_label = serializers.CharField(source="work_point.get_aspect_display", read_only=True)
    lead_department_name = serializers.CharField(
        source="lead_department.short_name", read_only=True
    )
    supporting_department_names = serializers.SlugRelatedField(
        source="supporting_departments", slug_field="short_name", many=True, read_only=True
    )
    status_label = LabelField("status")
    state_label = LabelField("state")
    working_days_left = serializers.SerializerMethodField(
        help_text="Working days until the deadline on China's calendar; negative when overdue."
    )
    rung = serializers.SerializerMethodField(help_text="The escalation rung reached, if any.")
    next_report_due = serializers.SerializerMethodField(
        help_text="The cut-off of the next progress report owed (按期填报), if any."
    )
    allowed_steps = serializers.SerializerMethodField(
        help_text="The loop's steps the caller may take now (receive, close, ...)."
    )
    is_overdue = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(
        help_text="Days until the deadline; negative when overdue; null once closed."
    )
    light = serializers.SerializerMethodField(
        help_text="red: overdue; yellow: due within 14 days; green: on track; none: closed."
    )
    updates = TaskUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = KeyTask
        fields = [
            "id",
            "code",
            "year",
            "title",
            "description",
            "work_point",
            "work_point_title",
            "aspect",
            "aspect_label",
            "lead_department",
            "lead_department_name",
            "supporting_departments",
            "supporting_department_names",
            "deadline",
            "status",
            "status_label",
            "progress",
            "completed_on",
            "is_overdue",
            "days_left",
            "light",
            "state",
            "state_label",
            "assigned_at",
            "received_at",
            "reporting_cycle",
            "working_days_left",
            "rung",
            "next_report_due",
            "allowed_steps",
            "updates",
            *TIMESTAMPS,
        ]
        one_line_fields = ["code", "title"]
        extra_kwargs = {"year": YEAR}

    def loop(self):
        if "loop" not in self.context:
            self.context["loop"] = LoopContext()
        return self.context["loop"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_working_days_left(self, task):
        if not task.is_open:
            return None
        context = self.loop()
        return -working_days_after_deadline(task.deadline, context.today, context.calendar)

    @extend_schema_field(RungSerializer(allow_null=True))
    def get_rung(self, task):
        rung = self.loop().rung(task)
        return RungSerializer(rung).data if rung else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_report_due(self, task):
        reported = [update.created_at for update in task.updates.all()]
        context = self.loop()
        due = next_report_due(task, context.now, context.calendar, max(reported, default=None))
        return serializers.DateTimeField().to_representation(due) if due else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(LoopAction.choices)))
    def get_allowed_steps(self, task):
        request = self.context.get("request")
        return loop.allowed_actions(request.user, task) if request else []

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, task):
        return task.is_overdue(timezone.localdate())

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_left(self, task):
        return days_left(task.deadline) if task.is_open else None

    @extend_schema_field(serializers.ChoiceField(choices=["red", "yellow", "green", "none"]))
    def get_light(self, task):
        return str(task.light())


class TaskProgressSerializer(serializers.Serializer):
    """A progress report, recorded through ``record_task_update``."""

    reported_on = serializers.DateField()
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = EvidenceUploadsField(required=False, help_text="Evidence files, checked on content.")
