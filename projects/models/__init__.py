"""What is attracted: projects, their reports and evidence, and the problems blocking them."""

from .blockers import Blocker, BlockerEvidence, BlockerQuerySet, BlockerStep
from .courting import CourtingCase, CourtingState
from .duplicates import DuplicateDismissal
from .projects import DATE_ORDER, MONEY, IndustryChain, Project, ProjectQuerySet
from .reports import ProjectEvidence, ProjectUpdate
from .tallies import ProjectTally, TallyCheck

__all__ = [
    "DATE_ORDER",
    "MONEY",
    "Blocker",
    "BlockerEvidence",
    "BlockerQuerySet",
    "BlockerStep",
    "CourtingCase",
    "CourtingState",
    "DuplicateDismissal",
    "IndustryChain",
    "Project",
    "ProjectEvidence",
    "ProjectQuerySet",
    "ProjectTally",
    "ProjectUpdate",
    "TallyCheck",
]
