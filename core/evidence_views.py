"""The view that serves one kind of evidence file, with the rule of the record it belongs to.

Files never have a public URL (the storage has none): this view is the only way to them.
Every official reads every department's records of their city, so the rule is the model's
view permission (both roles hold it for evidence) and the tenant rule (``visible_to``: a
file of another city's record is a 404, as one that does not exist); writing stays with
the record's department, in the services that store files.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .evidence_serving import serve_evidence


def readable(model, user):
    """The evidence of ``model`` that ``user`` may read (none without the permission)."""
    opts = model._meta
    if not (user.is_active and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")):
        return model._default_manager.none()
    return model._default_manager.visible_to(user)


def evidence_view(model, *, thumbnail=False):
    """A view answering ``<pk>`` with the file (or its thumbnail), for those who may read it."""

    def view(request, pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        queryset = readable(model, request.user)
        if not queryset.query.is_empty():
            evidence = get_object_or_404(queryset, pk=pk)
            return serve_evidence(request, evidence, thumbnail=thumbnail)
        raise PermissionDenied

    return view
