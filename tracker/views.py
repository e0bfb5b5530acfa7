"""Evidence files, served only to logged-in users who may read the task they belong to.

Files never have a public URL (the storage has none): this view is the only way to them.
Every official reads every department's tasks, so the rule is the permission to view
evidence; writing stays with the task's department (tracker.loop, services).
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.evidence_serving import serve_evidence

from .models import TaskEvidence


def readable_evidence(user):
    """The evidence files ``user`` may read (none for anyone without the permission)."""
    if not (
        user.is_authenticated and user.is_active and user.has_perm("tracker.view_taskevidence")
    ):
        return TaskEvidence.objects.none()
    return TaskEvidence.objects.all()


def task_evidence(request, pk, thumbnail=False):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.has_perm("tracker.view_taskevidence"):
        raise PermissionDenied
    evidence = get_object_or_404(readable_evidence(request.user), pk=pk)
    return serve_evidence(request, evidence, thumbnail=thumbnail)


def task_evidence_thumbnail(request, pk):
    return task_evidence(request, pk, thumbnail=True)
