"""Problems (困难问题) in the API: how a problem, its steps and its files are shown, and
what each step reads."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.evidence_rest import EvidenceUploadsField
from core.rest.fields import TIMESTAMPS, LabelField, RelatedName
from tracker.ladder import working_days_after_deadline
from tracker.models import Department, KeyTask
from workdays.calendar import calendar as working_calendar

from ..blockers import NOTE_MAX_LENGTH, allowed_actions
from ..choices import BlockerAction, BlockerKind
from ..models import Project
from ..models.blockers import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, Blocker, BlockerStep


class BlockerEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    step = serializers.IntegerField(source="step_id", allow_null=True)
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_url(self, evidence) -> str:
        return reverse("blocker_evidence", args=[evidence.pk])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, evidence):
        if not evidence.is_image:
            return None
        return reverse("blocker_evidence_thumbnail", args=[evidence.pk])


class BlockerStepSerializer(serializers.ModelSerializer):
    action_label = LabelField("action")
    from_state_label = LabelField("from_state")
    to_state_label = LabelField("to_state")
    by_name = RelatedName("by.username")
    evidence = BlockerEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = BlockerStep
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "from_state_label",
            "to_state",
            "to_state_label",
            "note",
            "by",
            "by_name",
            "at",
            "evidence",
        ]


class StepsContext:
    """What showing many problems needs once per request: the caller, the working-day
    calendar (read lazily) and today."""

    def __init__(self, user):
        self.user = user
        self.today = timezone.localdate()
        self._calendar = None

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = working_calendar()
        return self._calendar

    def allowed(self, blocker):
        """The steps the caller may take, with no query per problem: the list prefetches
        the supporting departments that ``allowed_actions`` reads."""
        return allowed_actions(self.user, blocker)


class BlockerSerializer(serializers.ModelSerializer):
    kind_label = LabelField("kind")
    state_label = LabelField("state")
    project_name = RelatedName("project.name")
    project_code = RelatedName("project.code")
    task_code = RelatedName("task.code")
    task_title = RelatedName("task.title")
    raising_department_name = RelatedName("raising_department.short_name")
    coordinating_department_name = RelatedName("coordinating_department.short_name")
    supporting_department_names = serializers.SlugRelatedField(
        source="supporting_departments", slug_field="short_name", many=True, read_only=True
    )
    raised_by_name = RelatedName("raised_by.username")
    is_overdue = serializers.SerializerMethodField(help_text="Unsolved and past its deadline.")
    working_days_left = serializers.SerializerMethodField(
        help_text="Working days until the deadline on China's calendar; negative when "
        "overdue; null without a deadline or once solved or withdrawn."
    )
    days_open = serializers.SerializerMethodField(help_text="Days since it was raised.")
    allowed_steps = serializers.SerializerMethodField(
        help_text="The steps the caller may take now (assign, note, escalate, ...)."
    )
    evidence = BlockerEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Blocker
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "project",
            "project_code",
            "project_name",
            "task",
            "task_code",
            "task_title",
            "raising_department",
            "raising_department_name",
            "coordinating_department",
            "coordinating_department_name",
            "supporting_departments",
            "supporting_department_names",
            "deadline",
            "is_overdue",
            "working_days_left",
            "days_open",
            "raised_at",
            "raised_by",
            "raised_by_name",
            "assigned_at",
            "solved_on",
            "resolution",
            "allowed_steps",
            "evidence",
            "version",
            *TIMESTAMPS,
        ]
        read_only_fields = fields

    def steps_context(self):
        if "steps" not in self.context:
            request = self.context.get("request")
            self.context["steps"] = StepsContext(request.user if request else None)
        return self.context["steps"]

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, blocker):
        today = self.steps_context().today
        return bool(blocker.is_unsolved and blocker.deadline and blocker.deadline < today)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_working_days_left(self, blocker):
        if not (blocker.is_unsolved and blocker.deadline):
            return None
        context = self.steps_context()
        return -working_days_after_deadline(blocker.deadline, context.today, context.calendar)

    @extend_schema_field(serializers.IntegerField())
    def get_days_open(self, blocker):
        return (self.steps_context().today - timezone.localtime(blocker.raised_at).date()).days

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(BlockerAction.choices))
    )
    def get_allowed_steps(self, blocker):
        return self.steps_context().allowed(blocker)


class RaiseBlockerSerializer(serializers.Serializer):
    """提出: a problem on a project or on a key task (exactly one of them)."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=BlockerKind.choices)
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), required=False, allow_null=True
    )
    task = serializers.PrimaryKeyRelatedField(
        queryset=KeyTask.objects.all(), required=False, allow_null=True
    )
    files = EvidenceUploadsField(
        required=False, help_text="Evidence files (PDF, images, Office documents)."
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH)


class OptionalNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


class NoteWithFilesSerializer(NoteSerializer):
    files = EvidenceUploadsField(required=False, help_text="Evidence files, checked on content.")


class AssignSerializer(OptionalNoteSerializer):
    """交办协调: the coordinating department, its helpers and the deadline."""

    coordinating_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    supporting_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, required=False, default=list
    )
    deadline = serializers.DateField()


class SolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=NOTE_MAX_LENGTH)
    files = EvidenceUploadsField(required=False, help_text="Evidence files, checked on content.")
