"""Problems (困难问题) in the API: the register, and each step an action on a problem.

``GET /api/v1/blockers/`` lists them (oldest first), ``POST`` raises one (JSON, or
multipart with ``files``); ``POST /api/v1/blockers/{id}/assign/``, ``note/`` (multipart
with ``files``), ``escalate/``, ``solve/`` (multipart with ``files``) and ``withdraw/``
take a step; ``GET /api/v1/blockers/{id}/steps/`` lists the steps taken. Nothing is
edited or deleted: the history is a record, and the steps change the problem. The
services (``projects.blockers``) decide who may take which step: a refused one answers
403 or 400 and changes nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.ownership import is_supervisor
from core.rest.choices import restrict_choices
from tracker.api.permissions import TrackerPermission
from tracker.api.viewsets import TrackerReadOnlyViewSet

from .. import blockers as services
from ..choices import BlockerAction
from ..models import Blocker, BlockerEvidence, BlockerStep
from . import blocker_serializers as bs
from .filters import BlockerFilter


class BlockerPermission(TrackerPermission):
    """The role's model permission and the token's scope, as everywhere; on a problem, the
    step's service decides (the coordinating department adds notes to a problem another
    department owns), so the object check of other records does not apply."""

    def has_object_permission(self, request, view, obj):
        return True


def refuse_outsiders(user, blocker, action):
    """403 before the input is read for a caller whose role may never take the step (a
    step out of turn is the service's 400, after it)."""
    if services.STEPS[action].taken_by == services.SUPERVISOR:
        if not is_supervisor(user):
            raise PermissionDenied(_("Only the leading group office may do this."))
    elif not services.is_involved(user, blocker):
        raise PermissionDenied(_("Only the departments this problem involves may add notes to it."))


def step_action(action_name, *, service, input_serializer, doc):
    """A detail action POSTing one step through ``service(blocker, by, data)``."""
    url_path = str(action_name)

    def step(self, request, pk=None):
        blocker = self.get_object()
        refuse_outsiders(request.user, blocker, action_name)
        data = restrict_choices(input_serializer(data=request.data), request.user)
        data.is_valid(raise_exception=True)
        service(blocker, request.user, data.validated_data)
        blocker = self.get_queryset().get(pk=blocker.pk)
        return Response(self.get_serializer(blocker).data)

    step.__name__ = url_path
    step.__doc__ = doc
    step = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(step)
    return extend_schema(request=input_serializer, responses={200: bs.BlockerSerializer})(step)


class BlockerViewSet(TrackerReadOnlyViewSet):
    """Problems that block a project or a key task (困难问题), oldest first.

    The department responsible for the project (or leading the key task) raises a
    problem; the leading group office assigns a coordinating department and a deadline,
    escalates, solves or withdraws it; the departments it involves add progress notes.
    """

    queryset = (
        Blocker.objects.select_related(
            "project", "task", "raising_department", "coordinating_department", "raised_by"
        )
        .prefetch_related(
            "supporting_departments",
            Prefetch("evidence", queryset=BlockerEvidence.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("raised_at", "pk")
    )
    serializer_class = bs.BlockerSerializer
    filterset_class = BlockerFilter
    search_fields = ["title", "description"]
    ordering_fields = ["raised_at", "deadline"]
    ordering = ["raised_at", "pk"]
    permission_classes = [permissions.IsAuthenticated, BlockerPermission]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=bs.RaiseBlockerSerializer, responses={201: bs.BlockerSerializer})
    def create(self, request, *args, **kwargs):
        """提出: raise a problem on a project or a key task of the caller's department."""
        data = restrict_choices(bs.RaiseBlockerSerializer(data=request.data), request.user)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        blocker = services.raise_blocker(
            by=request.user,
            title=values["title"],
            description=values["description"],
            kind=values["kind"],
            project=values.get("project"),
            task=values.get("task"),
            files=values.get("files", []),
        )
        blocker = self.get_queryset().get(pk=blocker.pk)
        return Response(self.get_serializer(blocker).data, status=status.HTTP_201_CREATED)

    assign = step_action(
        BlockerAction.ASSIGN,
        input_serializer=bs.AssignSerializer,
        service=lambda blocker, user, data: services.assign_blocker(
            blocker,
            by=user,
            coordinating_department=data["coordinating_department"],
            supporting_departments=data["supporting_departments"],
            deadline=data["deadline"],
            note=data["note"],
        ),
        doc="交办协调: the office names the coordinating department, the supporting "
        "departments and the deadline; again on a problem being coordinated re-assigns it.",
    )
    note = step_action(
        BlockerAction.NOTE,
        input_serializer=bs.NoteWithFilesSerializer,
        service=lambda blocker, user, data: services.add_note(
            blocker, by=user, note=data["note"], files=data.get("files", [])
        ),
        doc="进展: a department the problem involves (or the office) records what was done, "
        "with files.",
    )
    escalate = step_action(
        BlockerAction.ESCALATE,
        input_serializer=bs.NoteSerializer,
        service=lambda blocker, user, data: services.escalate_blocker(
            blocker, by=user, note=data["note"]
        ),
        doc="提请市领导协调: the office takes the problem to the city leadership.",
    )
    solve = step_action(
        BlockerAction.SOLVE,
        input_serializer=bs.SolveSerializer,
        service=lambda blocker, user, data: services.solve_blocker(
            blocker, by=user, resolution=data["resolution"], files=data.get("files", [])
        ),
        doc="办结: the office records how the problem was solved, with files.",
    )
    withdraw = step_action(
        BlockerAction.WITHDRAW,
        input_serializer=bs.NoteSerializer,
        service=lambda blocker, user, data: services.withdraw_blocker(
            blocker, by=user, note=data["note"]
        ),
        doc="撤销: the office withdraws a problem raised by mistake or overtaken by events.",
    )

    @extend_schema(responses=bs.BlockerStepSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=bs.BlockerStepSerializer)
    def steps(self, request, pk=None):
        """The steps the problem took, newest first, with their files."""
        blocker = self.get_object()
        steps = (
            BlockerStep.objects.filter(blocker=blocker)
            .select_related("by")
            .prefetch_related("evidence")
            .order_by("-at", "-pk")
        )
        page = self.paginate_queryset(steps)
        if page is None:
            return Response(bs.BlockerStepSerializer(steps, many=True).data)
        return self.get_paginated_response(bs.BlockerStepSerializer(page, many=True).data)
