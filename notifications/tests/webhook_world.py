"""What the webhook tests share: a subscription pointing at a receiver, events, time."""

import datetime

from django.utils import timezone

from notifications.channels.webhook import new_secret
from notifications.events import PING, publish
from notifications.models import Dispatch, WebhookSubscription


def subscribe(receiver, *, name="大数据局", events=("project.created", "project.stage_changed")):
    return WebhookSubscription.objects.create(
        name=name,
        url=f"{receiver.url}/hooks/tracker",
        events=list(events),
        secret=new_secret(),
    )


def ping(subscription, n):
    return publish(PING, obj=None, data={"n": n}, subscriptions=[subscription])[0]


def rows_of(subscription):
    return Dispatch.objects.filter(subscription=subscription).order_by("created_at", "pk")


def after_backoff(subscription):
    """An instant just after the subscription's unsent rows are due again."""
    due = max(
        rows_of(subscription)
        .exclude(status=Dispatch.Status.SENT)
        .values_list("next_attempt_at", flat=True)
    )
    return max(due, timezone.now()) + datetime.timedelta(seconds=1)


def delivered_ids(receiver):
    """The webhook-id of every request the receiver got (answered or not), in order."""
    return [request.headers["webhook-id"] for request in receiver.requests]
