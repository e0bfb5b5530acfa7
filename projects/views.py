"""Evidence files of project reports and of problems' steps, served by core's evidence view
with the projects' rule."""

from core.evidence_views import evidence_view

from .models import BlockerEvidence, ProjectEvidence

project_evidence = evidence_view(ProjectEvidence)
project_evidence_thumbnail = evidence_view(ProjectEvidence, thumbnail=True)

blocker_evidence = evidence_view(BlockerEvidence)
blocker_evidence_thumbnail = evidence_view(BlockerEvidence, thumbnail=True)
