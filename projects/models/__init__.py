"""What is attracted: projects, their reports and evidence, and the problems blocking them."""

from .blockers import Blocker, BlockerEvidence, BlockerQuerySet, BlockerStep
from .duplicates import DuplicateDismissal
from .projects import (
    DATE_ORDER,
    MONEY,
    IndustryChain,
    Project,
    ProjectEvidence,
    ProjectQuerySet,
    ProjectUpdate,
)

__all__ = [
    "DATE_ORDER",
    "MONEY",
    "Blocker",
    "BlockerEvidence",
    "BlockerQuerySet",
    "BlockerStep",
    "DuplicateDismissal",
    "IndustryChain",
    "Project",
    "ProjectEvidence",
    "ProjectQuerySet",
    "ProjectUpdate",
]
