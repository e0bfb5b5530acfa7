"""/api/v1/robots/: the WeCom and DingTalk group robots departments receive their
reminders, escalations and digests in.

Everyone signed in reads their own city's (without their credentials); an official adds
and changes their own department's, a supervisor any of the city's, and the city's
supervising office's (no department). A department of another city is no choice.
The webhook address (it holds WeCom's key or DingTalk's access_token) and DingTalk's
signing secret are write-only: answers show the address masked and whether a secret is
set. Nothing is deleted over the API: a robot no longer wanted is made inactive.
"""

import django_filters
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers

from core.ownership import department_id_of, is_supervisor
from core.rest.fields import FILTER_OVERRIDES, OneLineFieldsMixin, RelatedName
from tracker.api.viewsets import TrackerReadOnlyViewSet
from tracker.models import Department

from ..channels.http import mask
from ..models import GroupRobot
from ..robots import ROBOT_KINDS, save_robot
from .serializers import ENDPOINT_READ_ONLY, ENDPOINT_STATE


class GroupRobotSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    department_name = RelatedName("department.name")
    address = serializers.SerializerMethodField(
        help_text="The webhook address with its key or access_token masked."
    )
    has_secret = serializers.SerializerMethodField(help_text="Whether a signing secret is set.")
    webhook_url = serializers.URLField(
        write_only=True,
        required=False,
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=(
            "The robot's webhook address (http or https; it holds the robot's key or "
            "access_token). Required when adding; leave out to keep it. Its host must be "
            "one of TRACKER_ROBOT_HOSTS (by default the two platforms'), with no user name."
        ),
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="DingTalk's 加签 secret (SEC…); empty: none. Leave out to keep it.",
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ROBOT_KINDS),
        required=False,
        allow_empty=True,
        max_length=len(ROBOT_KINDS),
        help_text="The messages it receives; empty: all of them.",
    )

    class Meta:
        model = GroupRobot
        fields = [
            "id",
            "name",
            "platform",
            "department",
            "department_name",
            "address",
            "webhook_url",
            "secret",
            "has_secret",
            "keyword",
            "kinds",
            *ENDPOINT_STATE,
        ]
        read_only_fields = ENDPOINT_READ_ONLY
        # Not the keyword: a blank field with a pattern becomes a oneOf in the schema that
        # "" matches twice; the service checks it is one line (robots.robot_errors).
        one_line_fields = ["name"]
        extra_kwargs = {
            "department": {
                "required": False,
                "allow_null": True,
                "help_text": "The department (id) it serves; null: the supervising office.",
            },
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        department = fields.get("department")
        if request is not None and department is not None and not department.read_only:
            # Another city's department is no choice: "no such department" (400).
            department.queryset = Department.objects.choosable_by(request.user)
        return fields

    def get_address(self, robot) -> str:
        return mask(robot.webhook_url)

    def get_has_secret(self, robot) -> bool:
        return bool(robot.secret)

    def validate(self, attrs):
        if self.instance is None and not attrs.get("webhook_url"):
            raise serializers.ValidationError({"webhook_url": [_("This field is required.")]})
        return attrs


class GroupRobotFilter(django_filters.FilterSet):
    platform = django_filters.ChoiceFilter(choices=GroupRobot.Platform.choices)

    class Meta:
        model = GroupRobot
        fields = ["platform", "department", "is_active"]
        filter_overrides = FILTER_OVERRIDES


class GroupRobotViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, TrackerReadOnlyViewSet):
    """Group robots (WeCom, DingTalk). Filter by ``platform``, ``department`` or
    ``is_active``. Officials write their own department's (others get 403), supervisors
    any; ``webhook_url`` and ``secret`` are never shown back."""

    queryset = GroupRobot.objects.select_related("department").order_by(
        "department__name", "name", "pk"
    )
    serializer_class = GroupRobotSerializer
    filterset_class = GroupRobotFilter
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def write(self, serializer, robot):
        for name, value in serializer.validated_data.items():
            setattr(robot, name, value)
        serializer.instance = save_robot(robot, by=self.request.user)

    def perform_create(self, serializer):
        robot = GroupRobot()
        user = self.request.user
        if "department" not in serializer.validated_data and not is_supervisor(user):
            # An official's robot is their department's unless they say otherwise.
            robot.department_id = department_id_of(user)
        self.write(serializer, robot)

    def perform_update(self, serializer):
        self.write(serializer, serializer.instance)
