"""Every change to a webhook subscription: one function each, one transaction each.

Subscriptions are a city's: only its supervisors change them
(``WebhookSubscription.objects.changeable_by``), whichever page or API calls, and they
receive that city's events only. A new subscription is its maker's city's. The secret is
made here, shown once by the caller that created or rotated it, and never listed.
"""

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.ownership import is_supervisor
from core.tenancy import tenant_id_of

from . import endpoints
from .channels.webhook import new_secret
from .events import EVENT_TYPES, PING, publish
from .models import WebhookSubscription

EVENTS_MAX = len(EVENT_TYPES)


def url_errors(url):
    """Why ``url`` cannot receive webhooks (a list), or an empty list."""
    try:
        parts = urlsplit(url or "")
        port = parts.port  # ValueError for a port out of range
    except ValueError:
        return [_("Enter a valid http:// or https:// address.")]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [_("Enter a valid http:// or https:// address.")]
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return [
            _("Do not put a user name or password in the address; the signature proves it is us.")
        ]
    if port == 0:
        return [_("Enter a valid http:// or https:// address.")]
    return []


def event_errors(events):
    """Why ``events`` is not a list of known event types, or an empty list."""
    if not isinstance(events, list) or not events:
        return [_("Choose at least one event type.")]
    unknown = [str(e) for e in events if not isinstance(e, str) or e not in EVENT_TYPES]
    if unknown:
        return [_("Unknown event types: %(types)s.") % {"types": ", ".join(unknown[:5])}]
    return []


def validate(subscription):
    errors = {}
    if found := url_errors(subscription.url):
        errors["url"] = found
    if found := event_errors(subscription.events):
        errors["events"] = found
    if errors:
        raise ValidationError(errors)
    subscription.events = sorted(set(subscription.events))
    subscription.full_clean(exclude=["secret"])


def is_allowed(by):
    """Supervisors (or the system, ``by=None``) manage subscriptions; nobody else."""
    return by is None or is_supervisor(by)


@transaction.atomic
def create_subscription(subscription, *, by):
    """Save a new subscription with a fresh secret; returns (subscription, secret)."""
    if not is_allowed(by):
        raise PermissionDenied(_("Only supervisors manage webhook subscriptions."))
    if by is not None and tenant_id_of(by) is not None:
        # The maker's city (a superuser's: the city acted for, else the home city).
        subscription.tenant_id = tenant_id_of(by)
    subscription.secret = new_secret()
    subscription.created_by = by
    validate(subscription)
    subscription.save()
    return subscription, subscription.secret


@transaction.atomic
def save_subscription(subscription, *, by):
    """Save changes to a subscription (name, address, events, active): only one of
    ``by``'s city."""
    if not is_allowed(by):
        raise PermissionDenied(_("Only supervisors manage webhook subscriptions."))
    if by is not None:
        changeable([subscription], by)
    validate(subscription)
    subscription.save()
    return subscription


def changeable(subscriptions, by):
    ids = [s.pk for s in subscriptions]
    found = list(WebhookSubscription.objects.changeable_by(by).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise PermissionDenied(_("Only supervisors manage webhook subscriptions."))
    return found


@transaction.atomic
def rotate_secret(subscription, *, by):
    """A new secret at once (the old one stops signing); returns it, to show once."""
    (subscription,) = changeable([subscription], by)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret"])
    return subscription.secret


@transaction.atomic
def resume_subscriptions(subscriptions, *, by):
    """Resume paused subscriptions; returns how many failed deliveries were requeued."""
    return sum(endpoints.resume(s) for s in changeable(subscriptions, by))


@transaction.atomic
def send_test_event(subscriptions, *, by):
    """Queue a ``ping`` event for each subscription (whatever events it asked for)."""
    found = changeable(subscriptions, by)
    for subscription in found:
        publish(
            PING,
            obj=None,
            data={"subscription_id": subscription.pk, "name": subscription.name},
            subscriptions=[subscription],
        )
    return len(found)
