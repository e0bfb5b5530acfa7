"""/api/v1/webhook-subscriptions/: the systems that receive the tracker's events.

Everyone signed in may read their own city's (without their secret; the address's
credentials masked for officials); only the city's supervisors, and their read-write
tokens, create and change them, through ``notifications.subscriptions`` (which checks
again). A subscription is its maker's city's and receives that city's events only.
The secret is in the create answer only. Nothing is deleted: ``is_active=false`` stops
deliveries and keeps the log. ``deliveries`` lists a subscription's latest deliveries.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiCallback,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.ownership import is_supervisor
from core.rest.viewsets import ReadOnlyViewSet
from tracker.models import ApiToken

from .. import subscriptions as service
from ..channels.http import mask
from ..channels.webhook import where
from ..events import EVENT_TYPES, PING
from ..models import Dispatch, WebhookSubscription
from .serializers import ENDPOINT_READ_ONLY, ENDPOINT_STATE

DELIVERIES_SHOWN = 50


class SupervisorsWrite(permissions.BasePermission):
    """Reads for everyone signed in; writes for supervisors with a session or a read-write
    token (the service checks again)."""

    message = _("Only supervisors manage webhook subscriptions.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        if isinstance(token, ApiToken) and not token.can_write:
            self.message = _("This token may only read; ask a supervisor for a read-write token.")
            return False
        self.message = SupervisorsWrite.message
        return is_supervisor(request.user)


class SubscriptionSerializer(serializers.ModelSerializer):
    url = serializers.CharField(
        max_length=500,
        help_text="Where events are POSTed: an http:// or https:// address, no credentials.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENT_TYPES.items())),
        allow_empty=False,
        max_length=len(EVENT_TYPES),
        help_text="The event types to deliver.",
    )
    name = serializers.CharField(max_length=100, trim_whitespace=True)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "events",
            *ENDPOINT_STATE,
        ]
        read_only_fields = ENDPOINT_READ_ONLY

    def validate_url(self, value):
        if errors := service.url_errors(value):
            raise serializers.ValidationError(errors)
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["last_error"] = mask(data["last_error"])
        if request is None or not is_supervisor(request.user):
            # scheme://host:port only: a receiver's path or query may hold its credential
            # in any form (api_key=, code=, a token in the path).
            data["url"] = where(data["url"])
        return data


class CreatedSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (whsec_…). Shown in this answer only: store it now.",
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="subject_key", read_only=True)
    type = serializers.CharField(source="subject", read_only=True)

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "webhook_id",
            "type",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "next_attempt_at",
            "sent_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["last_error"] = mask(data["last_error"])
        return data


EVENT = inline_serializer(
    "WebhookEvent",
    {
        "type": serializers.ChoiceField(choices=[*EVENT_TYPES, PING]),
        "timestamp": serializers.DateTimeField(help_text="When it happened (UTC)."),
        "data": inline_serializer(
            "WebhookEventData",
            {
                "object": serializers.CharField(help_text="project, task or blocker."),
                "id": serializers.IntegerField(),
                "url": serializers.URLField(help_text="The object in this API."),
                "city": serializers.CharField(
                    help_text="The GB/T 2260 code of the object's city (e.g. 371400)."
                ),
            },
        ),
    },
)
CALLBACK = OpenApiCallback(
    name="event",
    path="{$request.body#/url}",
    decorator=extend_schema(
        summary="An event, POSTed to the subscription's address",
        description=(
            "Standard Webhooks: headers `webhook-id` (the event's id, the same on every "
            "retry: drop duplicates by it), `webhook-timestamp` (Unix seconds of the "
            "attempt), `webhook-signature` (`v1,` + base64 HMAC-SHA256 of "
            "`<id>.<timestamp>.<body>` keyed with the base64-decoded secret after "
            "`whsec_`) and `x-tracker-event` (the type). Answer 2xx; anything else is "
            "retried with backoff, in order per subscription."
        ),
        request=EVENT,
        responses={200: OpenApiResponse(description="Received.")},
    ),
)


@extend_schema_view(
    create=extend_schema(responses={201: CreatedSubscriptionSerializer}, callbacks=[CALLBACK]),
    deliveries=extend_schema(responses={200: DeliverySerializer(many=True)}),
)
class WebhookSubscriptionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyViewSet):
    """Webhook subscriptions: who receives which events (see docs/integrations.md).

    Supervisors create and change them (officials get 403); no DELETE: set
    ``is_active`` to false. The secret is returned once, by the create.
    """

    queryset = WebhookSubscription.objects.order_by("name", "pk")
    serializer_class = SubscriptionSerializer
    permission_classes = [permissions.IsAuthenticated, SupervisorsWrite]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "updated_at"]

    def run(self, call):
        try:
            return call()
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None

    def perform_create(self, serializer):
        subscription = WebhookSubscription(**serializer.validated_data)
        subscription, _secret = self.run(
            lambda: service.create_subscription(subscription, by=self.request.user)
        )
        serializer.instance = subscription

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        created = CreatedSubscriptionSerializer(
            serializer.instance, context=self.get_serializer_context()
        ).data
        created["secret"] = serializer.instance.secret
        return Response(created, status=201)

    def perform_update(self, serializer):
        subscription = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(subscription, name, value)
        serializer.instance = self.run(
            lambda: service.save_subscription(subscription, by=self.request.user)
        )

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def deliveries(self, request, pk=None):
        """The subscription's latest deliveries (50 at most), newest first."""
        subscription = self.get_object()
        rows = Dispatch.objects.filter(subscription=subscription).order_by("-created_at", "-pk")
        return Response(DeliverySerializer(rows[:DELIVERIES_SHOWN], many=True).data)
