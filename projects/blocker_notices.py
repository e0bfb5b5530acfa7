"""Telling people about a problem's steps, through notifications' outbox (the dispatch
log, in the step's transaction: a step rolled back tells nobody)."""

from django.utils import timezone

from notifications.notices import link, tell_department

from .blocker_deadlines import blocks, change_path
from .choices import BlockerKind, BlockerState


def assignment(blocker, step):
    """What the coordinating department is told of the problem handed to it."""
    key = f"blocker:{blocker.pk}"
    return {
        "title": blocker.title,
        "blocks": blocks(blocker),
        "kind": BlockerKind(blocker.kind).label,
        "description": blocker.description,
        "raised_by": blocker.raising_department.name,
        "deadline": blocker.deadline,
        "supporting": list(
            blocker.supporting_departments.order_by("name").values_list("name", flat=True)
        ),
        "note": step.note,
        "reassigned": step.from_state != BlockerState.OPEN,
        "url": link(key, change_path(blocker.pk)),
    }


def assigned(blocker, step):
    """The coordinating department is told, once, that a problem was handed to it: one
    notice per assignment step, so a re-assignment tells the department named then."""
    tell_department(
        blocker.coordinating_department_id,
        key=f"blocker:{blocker.pk}:assign:{step.pk}",
        template="blocker_assigned",
        context={"problem": assignment(blocker, step)},
        day=timezone.localdate(step.at),
    )
