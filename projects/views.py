"""Project reports' evidence files, served by core's evidence view with the projects' rule."""

from core.evidence_views import evidence_view

from .models import ProjectEvidence

project_evidence = evidence_view(ProjectEvidence)
project_evidence_thumbnail = evidence_view(ProjectEvidence, thumbnail=True)
