"""Evidence files of cooperation reports, served by core's evidence view with the rule of
the records they belong to (docs/evidence.md)."""

from core.evidence_views import evidence_view

from .models import CooperationEvidence

cooperation_evidence = evidence_view(CooperationEvidence)
cooperation_evidence_thumbnail = evidence_view(CooperationEvidence, thumbnail=True)
