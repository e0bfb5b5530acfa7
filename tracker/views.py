"""Key tasks' evidence files, served by core's evidence view with the tasks' read rule."""

from core.evidence_views import evidence_view

from .models import TaskEvidence

task_evidence = evidence_view(TaskEvidence)
task_evidence_thumbnail = evidence_view(TaskEvidence, thumbnail=True)
