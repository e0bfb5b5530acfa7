"""Rendering an email from its templates (subject, plain text and HTML, in Chinese) and
queuing it in the dispatch log; the link an email gives for an item."""

import functools
import re

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils import translation

from . import dispatch


def absolute(path):
    return settings.SITE_BASE_URL.rstrip("/") + path


# Keys made only of these characters are put in the link as they are (reverse() would
# not quote them either), by one resolution per URL configuration instead of one per item:
# a digest run links thousands of items.
PLAIN_KEY = re.compile(r"[A-Za-z0-9:_-]+")


@functools.lru_cache(maxsize=8)
def open_path_template(urlconf):
    """``/m/open/{}/`` for ``urlconf``, or None when it has no ``mobile:open``."""
    try:
        return reverse("mobile:open", args=["KEY"], urlconf=urlconf).replace("KEY", "{}")
    except NoReverseMatch:
        return None


@receiver(setting_changed)
def forget_paths(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        open_path_template.cache_clear()


def item_path(key, admin_path):
    """Where an email's link for an item goes: ``/m/open/<key>/`` (URL name
    ``mobile:open``), which opens the phone page on a phone and the admin page on a
    desktop; the admin page itself when that URL does not exist or refuses the key."""
    if PLAIN_KEY.fullmatch(key):
        template = open_path_template(get_urlconf() or settings.ROOT_URLCONF)
        return admin_path if template is None else template.format(key)
    try:
        return reverse("mobile:open", args=[key])
    except NoReverseMatch:
        return admin_path


def item_url(item):
    """The absolute link for ``item`` (anything with a ``key`` and an ``admin_path``: a
    deadline item, an owed item, an open problem). The one place emails link items."""
    return absolute(item_path(item.key, item.admin_path))


def render_email(name, context):
    """``notifications/email/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``."""
    context = {**context, "site_url": settings.SITE_BASE_URL.rstrip("/")}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"notifications/email/{name}_subject.txt", context)
        text = render_to_string(f"notifications/email/{name}.txt", context)
        html = render_to_string(f"notifications/email/{name}.html", context)
    return " ".join(subject.split()), text, html


def queue_for(addresses, *, kind, subject_key, period, template, context, until=None, tenant=None):
    """Render ``template`` once and queue it to each address (see ``dispatch.queue``), as
    ``tenant``'s (default: the city acted for)."""
    if not addresses:
        return []
    subject, text, html = render_email(template, context)
    return dispatch.queue(
        kind=kind,
        subject_key=subject_key,
        recipients=list(addresses),
        period=period,
        subject=subject,
        body_text=text,
        body_html=html,
        until=until,
        tenant=tenant,
    )
