"""The supervision loop in the API: each step an action on a key task, and the task's
place in the loop (state, rung, next report due) in its representation.

``POST /api/v1/tasks/{id}/receive/``, ``request-completion/`` (multipart with ``files``),
``close/``, ``return/`` and ``cancel/``, each with an optional (or, where the step needs
one, required) ``note``; ``GET /api/v1/tasks/{id}/steps/`` lists the steps taken. The
services (``tracker.loop``) decide who may take which step: a refused one answers 403 or
400 and changes nothing.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.evidence_rest import EvidenceUploadsField
from core.rest.choices import restrict_choices
from core.rest.fields import LabelField, RelatedName

from .. import loop
from ..ladder import LoopContext
from ..loop import NOTE_MAX_LENGTH
from ..models import TaskEvidence, TaskTransition


class StepNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


class CompletionRequestSerializer(StepNoteSerializer):
    files = EvidenceUploadsField(
        required=False,
        help_text="Evidence files (PDF, images, Office documents), each checked on content.",
    )


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, evidence) -> str:
        return f"/files/tasks/{evidence.pk}/"


class StepSerializer(serializers.ModelSerializer):
    action_label = LabelField("action")
    to_state_label = LabelField("to_state")
    by_name = RelatedName("by.username")
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = TaskTransition
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "to_state_label",
            "note",
            "by",
            "by_name",
            "at",
            "evidence",
        ]


class RungSerializer(serializers.Serializer):
    name = serializers.CharField()
    working_days = serializers.IntegerField(help_text="Working days after the deadline.")
    audience = serializers.CharField()


def step_action(name, *, url_path, service, input_serializer=StepNoteSerializer, doc):
    """A detail action POSTing one step of the loop through ``service(task, by, data)``."""

    def step(self, request, pk=None):
        task = self.get_object()
        data = restrict_choices(input_serializer(data=request.data), request.user)
        data.is_valid(raise_exception=True)
        service(task, request.user, data.validated_data)
        task = self.get_queryset().get(pk=task.pk)
        return Response(self.get_serializer(task).data)

    step.__name__ = name
    step.__doc__ = doc
    step = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(step)
    return extend_schema(request=input_serializer, responses={200: None})(step)


class KeyTaskLoopActions:
    """Mixin for the key-task viewset: the loop's steps and their history."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            # The schema generator asks with nobody signed in (and maybe no database).
            return context
        return {**context, "loop": LoopContext()}

    receive = step_action(
        "receive",
        url_path="receive",
        service=lambda task, user, data: loop.receive_task(task, by=user, note=data["note"]),
        doc="签收: the lead department acknowledges the task handed to it.",
    )
    request_completion = step_action(
        "request_completion",
        url_path="request-completion",
        input_serializer=CompletionRequestSerializer,
        service=lambda task, user, data: loop.request_completion(
            task, by=user, note=data["note"], files=data.get("files", [])
        ),
        doc="申请办结: the lead department asks to close the task, with a note and files.",
    )
    close = step_action(
        "close",
        url_path="close",
        service=lambda task, user, data: loop.close_task(task, by=user, note=data["note"]),
        doc="销号: a supervisor closes a task whose completion was requested.",
    )
    return_ = step_action(
        "return_",
        url_path="return",
        service=lambda task, user, data: loop.return_task(task, by=user, note=data["note"]),
        doc="退回: a supervisor sends a completion request back, saying why.",
    )
    cancel = step_action(
        "cancel",
        url_path="cancel",
        service=lambda task, user, data: loop.cancel_task(task, by=user, note=data["note"]),
        doc="A supervisor cancels an open task, saying why.",
    )

    @extend_schema(responses=StepSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=StepSerializer)
    def steps(self, request, pk=None):
        """The steps the task took along the loop, newest first, with their files."""
        task = self.get_object()
        # A province reads its cities' tasks whole, but not their files (the file view
        # answers 404): it is not shown files it cannot open.
        files = TaskEvidence.objects.visible_to(request.user)
        # ... nor its loop's records (notes, who acted): a city's own.
        steps = (
            task.transitions.visible_to(request.user)
            .select_related("by")
            .prefetch_related(Prefetch("evidence", queryset=files))
        )
        page = self.paginate_queryset(steps)
        if page is None:
            return Response(StepSerializer(steps, many=True).data)
        return self.get_paginated_response(StepSerializer(page, many=True).data)
