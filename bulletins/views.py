"""A bulletin's files at /files/bulletins/<pk>/<part>/ (part: "document" or "annex").

Every signed-in user reads every bulletin of their city (it is the city's, not a
department's), a province user also their cities' (the tenant rule, ``visible_to``);
another city's bulletin is a 404; the anonymous are sent to the login page. Files have no
public URL: this view is the only way to them, as an attachment with a safe name,
``nosniff`` and a sandboxing policy.
"""

import logging

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.evidence_serving import SANDBOX_POLICY, content_disposition

from .models import Bulletin

logger = logging.getLogger(__name__)

PARTS = {
    "document": (
        "document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "annex": (
        "annex",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "-annex.xlsx",
    ),
}


def readable_by(user):
    if user.is_active:
        return Bulletin.objects.visible_to(user)
    return Bulletin.objects.none()


@require_safe
def bulletin_file(request, pk, part):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if part not in PARTS:
        raise Http404("No such part of a bulletin.")
    field, content_type, suffix = PARTS[part]
    bulletin = get_object_or_404(readable_by(request.user), pk=pk)
    stored = getattr(bulletin, field)
    if not stored.name:
        raise Http404("Not built yet.")
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError as error:
        logger.error("Bulletin file %s is missing from storage: %s", stored.name, error)
        raise Http404("The file is missing.") from error
    response = FileResponse(handle, content_type=content_type)
    # The name says what it is (the document number and title), whatever the storage's.
    name = f"{bulletin.number} {bulletin.title}"[:150].replace("/", "-") + suffix
    response["Content-Disposition"] = content_disposition("attachment", name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-cache"
    return response
