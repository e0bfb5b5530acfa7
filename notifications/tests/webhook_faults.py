"""The webhook channel's faults for test_smtp_faults: a receiver that stalls past
TRACKER_WEBHOOK_TIMEOUT, and one that is down (connection refused), then mended."""

from notifications.channels.webhook import new_secret
from notifications.events import PING, publish
from notifications.models import WebhookSubscription
from notifications.tests.fault_scenarios import Scenario


def three_events(receiver):
    """Three test events queued for one subscription that points at ``receiver``."""
    subscription = WebhookSubscription.objects.create(
        name="大数据局", url=f"{receiver.url}/hook", events=["project.created"], secret=new_secret()
    )
    return [
        publish(PING, obj=None, data={"n": n}, subscriptions=[subscription])[0] for n in range(3)
    ]


FAULTS = {
    "webhook": {
        "stalls": Scenario(
            setup=three_events,
            breaks=lambda receiver: receiver.stall(),
            mends=lambda receiver: receiver.unstall(),
            says="timed out",
        ),
        "is down": Scenario(
            setup=three_events,
            breaks=lambda receiver: receiver.stop(),
            mends=lambda receiver: receiver.start(),
            says="refused",
        ),
    }
}
