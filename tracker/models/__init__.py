"""tracker's models, one module per subject; imported here so ``tracker.models.X`` works."""

from .loop import EscalationRung, TaskEvidence, TaskTransition
from .org import CityLeader, Department, Official
from .tallies import TaskTally
from .tasks import KeyTask, KeyTaskQuerySet, TaskUpdate, WorkPoint
from .tokens import ApiToken, ApiTokenQuerySet

__all__ = [
    "ApiToken",
    "ApiTokenQuerySet",
    "CityLeader",
    "Department",
    "EscalationRung",
    "KeyTask",
    "KeyTaskQuerySet",
    "Official",
    "TaskEvidence",
    "TaskTally",
    "TaskTransition",
    "TaskUpdate",
    "WorkPoint",
]
