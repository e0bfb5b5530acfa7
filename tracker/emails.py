"""Rendering an email from its templates: subject, plain text and HTML, in Chinese."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path):
    return settings.SITE_BASE_URL.rstrip("/") + path


def render_email(name, context):
    """``tracker/email/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``."""
    context = {**context, "site_url": settings.SITE_BASE_URL.rstrip("/")}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"tracker/email/{name}_subject.txt", context)
        text = render_to_string(f"tracker/email/{name}.txt", context)
        html = render_to_string(f"tracker/email/{name}.html", context)
    return " ".join(subject.split()), text, html
