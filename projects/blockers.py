"""Every change to a problem: one function per step, one transaction each.

``STEPS`` is the table of who may take each step from which states:

- raise (提出): the department that owns the project (or leads the key task);
- assign (交办协调): the leading group office names the coordinating department, the
  supporting departments and a deadline; assigning again re-assigns;
- note (进展): the departments involved (raising, coordinating, supporting) and the office;
- escalate (提请市领导协调), solve (办结) and withdraw (撤销): the office.

A refused step raises (PermissionDenied or ValidationError) and changes nothing, files
included. Every step is a ``BlockerStep``; a step's files are ``BlockerEvidence``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import evidence_atomic, store_evidence
from core.ownership import department_id_of, in_own_tenant, is_supervisor, owns
from core.steps import NOTE_MAX_LENGTH, Step, step_text
from core.tenancy import reach_of
from notifications.events import publish
from tracker.choices import TaskState

from . import blocker_notices as notify
from .choices import UNSOLVED_STATES, BlockerAction, BlockerState, Stage
from .models import Blocker, BlockerEvidence, BlockerStep
from .models.blockers import DESCRIPTION_MAX_LENGTH

INVOLVED = "involved"  # raising, coordinating or supporting department
SUPERVISOR = "supervisor"

UNSOLVED = frozenset(UNSOLVED_STATES)


STEPS = {
    BlockerAction.ASSIGN: Step(UNSOLVED, BlockerState.COORDINATING, SUPERVISOR),
    BlockerAction.NOTE: Step(UNSOLVED, None, INVOLVED, needs_note=True),
    # Escalated after coordinating: the city leadership's meeting takes up what a
    # coordinating department could not solve, with its deadline.
    BlockerAction.ESCALATE: Step(
        frozenset({BlockerState.COORDINATING}),
        BlockerState.ESCALATED,
        SUPERVISOR,
        needs_note=True,
    ),
    BlockerAction.SOLVE: Step(UNSOLVED, BlockerState.SOLVED, SUPERVISOR, needs_note=True),
    BlockerAction.WITHDRAW: Step(UNSOLVED, BlockerState.WITHDRAWN, SUPERVISOR, needs_note=True),
}


def of_own_city(user, blocker):
    """Is the problem of ``user``'s own city? (No query: the tenant is a column.)"""
    reach = reach_of(user)
    return reach.everything or in_own_tenant(blocker, reach)


def is_involved(user, blocker):
    """Is ``user`` of a department the problem involves (or a supervisor of its city)?"""
    if not of_own_city(user, blocker):
        return False
    if is_supervisor(user):
        return True
    department_id = department_id_of(user)
    if department_id is None:
        return False
    if department_id in (blocker.raising_department_id, blocker.coordinating_department_id):
        return True
    # .all(), not a filter: a list of problems prefetches them, and asks no query per row.
    return any(d.pk == department_id for d in blocker.supporting_departments.all())


def may_take(user, blocker, action):
    """May ``user`` take ``action`` on ``blocker`` as it is now (state and role)?"""
    step = STEPS[action]
    if blocker.state not in step.sources:
        return False
    if step.taken_by == SUPERVISOR:
        return is_supervisor(user) and of_own_city(user, blocker)
    return is_involved(user, blocker)


def allowed_actions(user, blocker):
    """The steps ``user`` may take on ``blocker`` now, in the table's order."""
    return [action for action in STEPS if may_take(user, blocker, action)]


def check_step(blocker, action, by):
    step = STEPS[action]
    if blocker.state not in step.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the problem is “%(state)s”.")
            % {"action": BlockerAction(action).label, "state": blocker.get_state_display()}
        )
    if by is None or may_take(by, blocker, action):
        return
    if step.taken_by == SUPERVISOR:
        raise PermissionDenied(_("Only the leading group office may do this."))
    raise PermissionDenied(_("Only the departments this problem involves may add notes to it."))


def clean_text(text, *, field, required, max_length=NOTE_MAX_LENGTH):
    return step_text(
        text,
        field=field,
        required=required,
        missing=_("Please write a short note."),
        max_length=max_length,
    )


def step_note(action, note):
    """The note of ``action``, required when the table says so."""
    return clean_text(note, field="note", required=STEPS[action].needs_note)


def locked(blocker, by=None):
    """The problem, locked, as ``by`` reads it: another city's problem is not there for
    them (``by=None``: the system)."""
    rows = Blocker.objects.select_for_update().filter(pk=blocker.pk)
    stored = (rows if by is None else rows.visible_to(by)).order_by("pk").first()
    if stored is None:
        raise PermissionDenied(_("This problem belongs to another city."))
    return stored


def record_step(blocker, action, *, by, note="", to_state=None, files=()):
    """Write the step into the history, move ``blocker`` to ``to_state`` (kept when None)
    and store the step's files (in the caller's ``evidence_atomic`` block)."""
    step = BlockerStep.objects.create(
        blocker=blocker,
        action=action,
        from_state=blocker.state if action != BlockerAction.RAISE else "",
        to_state=to_state or blocker.state,
        note=note,
        by=by,
    )
    if to_state:
        blocker.state = to_state
    for upload in files:
        store_evidence(BlockerEvidence, upload, by=by, blocker=blocker, step=step)
    return step


def save(blocker, *fields):
    blocker.version += 1
    blocker.full_clean()
    blocker.save(update_fields=["state", "version", *fields])
    return blocker


def owner_of(project, task):
    """The department that raises a problem on ``project`` or ``task``: its owner. Nothing
    blocks a dropped project or an ended task."""
    if (project is None) == (task is None):
        raise ValidationError(_("A problem blocks either a project or a key task."))
    if project is not None:
        if project.stage == Stage.DROPPED:
            raise ValidationError({"project": _("This project was dropped; nothing blocks it.")})
        return project.responsible_department
    if task.state in (TaskState.CLOSED, TaskState.CANCELLED):
        raise ValidationError({"task": _("This task has ended; nothing blocks it.")})
    return task.lead_department


@evidence_atomic()
def raise_blocker(*, by, title, description, kind, project=None, task=None, files=()):
    """提出: the department that owns the project (or the key task) records a problem it
    cannot solve alone; the leading group office may raise one for any department."""
    department = owner_of(project, task)
    blocked = project if project is not None else task
    if by is not None and not owns(by, blocked):
        raise PermissionDenied(
            _("Only the department responsible for it may raise a problem on it.")
        )
    blocker = Blocker(
        # The city of what it blocks, whoever raises it (a superuser has no city).
        tenant_id=blocked.tenant_id,
        project=project,
        task=task,
        title=(title or "").strip(),
        description=clean_text(
            description, field="description", required=True, max_length=DESCRIPTION_MAX_LENGTH
        ),
        kind=kind,
        raising_department=department,
        raised_by=by,
    )
    blocker.full_clean()
    blocker.save()
    record_step(blocker, BlockerAction.RAISE, by=by, to_state=BlockerState.OPEN, files=files)
    publish("blocker.raised", obj=blocker, data=blocker_event(blocker))
    return blocker


def blocker_event(blocker):
    """A problem's webhook data: what it blocks and who raised it; the rest from the API."""
    return {
        "project_id": blocker.project_id,
        "task_id": blocker.task_id,
        "department_id": blocker.raising_department_id,
        "state": blocker.state,
        "version": blocker.version,
    }


def check_assignment(blocker, coordinating_department, supporting, deadline, today):
    errors = {}
    if coordinating_department is None:
        errors["coordinating_department"] = _("Choose the department that coordinates.")
    if deadline is None:
        errors["deadline"] = _("Give the day it should be solved by.")
    elif deadline < today and deadline != blocker.deadline:
        errors["deadline"] = _("The deadline cannot be in the past.")
    if coordinating_department is not None and coordinating_department in supporting:
        errors["supporting_departments"] = _(
            "The coordinating department cannot also be a supporting department."
        )
    # Only the problem's own city's departments coordinate it (a many-to-many link is not
    # checked by the model's full_clean).
    other_city = _("This record belongs to another city.")
    if coordinating_department is not None and coordinating_department.tenant_id != (
        blocker.tenant_id
    ):
        errors["coordinating_department"] = other_city
    if any(department.tenant_id != blocker.tenant_id for department in supporting):
        errors.setdefault("supporting_departments", other_city)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assign_blocker(
    blocker,
    *,
    by,
    coordinating_department,
    deadline,
    supporting_departments=(),
    note="",
    today=None,
):
    """交办协调: the office names the coordinating department (told at once, by email,
    exactly once), the supporting departments and the deadline. Again: re-assigns."""
    blocker = locked(blocker, by)
    check_step(blocker, BlockerAction.ASSIGN, by)
    supporting = list(supporting_departments)
    today = today or timezone.localdate()
    check_assignment(blocker, coordinating_department, supporting, deadline, today)
    note = step_note(BlockerAction.ASSIGN, note)
    target = BlockerState.COORDINATING if blocker.state == BlockerState.OPEN else None
    step = record_step(blocker, BlockerAction.ASSIGN, by=by, note=note, to_state=target)
    blocker.coordinating_department = coordinating_department
    blocker.deadline = deadline
    blocker.assigned_at = timezone.now()
    save(blocker, "coordinating_department", "deadline", "assigned_at")
    blocker.supporting_departments.set(supporting)
    notify.assigned(blocker, step)
    return blocker


@evidence_atomic()
def add_note(blocker, *, by, note, files=()):
    """进展: a department the problem involves (or the office) records what was done."""
    blocker = locked(blocker, by)
    check_step(blocker, BlockerAction.NOTE, by)
    note = step_note(BlockerAction.NOTE, note)
    return record_step(blocker, BlockerAction.NOTE, by=by, note=note, files=files)


@transaction.atomic
def escalate_blocker(blocker, *, by, note):
    """提请市领导协调: the office takes a problem no department can solve to the city
    leadership's meeting; the deadline and coordinator stay as they were."""
    blocker = locked(blocker, by)
    check_step(blocker, BlockerAction.ESCALATE, by)
    note = step_note(BlockerAction.ESCALATE, note)
    record_step(
        blocker,
        BlockerAction.ESCALATE,
        by=by,
        note=note,
        to_state=STEPS[BlockerAction.ESCALATE].target,
    )
    return save(blocker)


@evidence_atomic()
def solve_blocker(blocker, *, by, resolution, files=(), today=None):
    """办结: the office records how the problem was solved, with evidence files."""
    blocker = locked(blocker, by)
    check_step(blocker, BlockerAction.SOLVE, by)
    resolution = clean_text(
        resolution, field="resolution", required=STEPS[BlockerAction.SOLVE].needs_note
    )
    record_step(
        blocker,
        BlockerAction.SOLVE,
        by=by,
        note=resolution,
        to_state=BlockerState.SOLVED,
        files=files,
    )
    blocker.resolution = resolution
    blocker.solved_on = today or timezone.localdate()
    save(blocker, "resolution", "solved_on")
    publish("blocker.solved", obj=blocker, data=blocker_event(blocker))
    return blocker


@transaction.atomic
def withdraw_blocker(blocker, *, by, note):
    """撤销: the office withdraws a problem raised by mistake or overtaken by events."""
    blocker = locked(blocker, by)
    check_step(blocker, BlockerAction.WITHDRAW, by)
    note = step_note(BlockerAction.WITHDRAW, note)
    record_step(blocker, BlockerAction.WITHDRAW, by=by, note=note, to_state=BlockerState.WITHDRAWN)
    return save(blocker)


def age_in_days(blocker, today=None):
    """Days since the problem was raised (the weekly digests list problems by age)."""
    today = today or timezone.localdate()
    raised = timezone.localtime(blocker.raised_at).date()
    return (today - raised).days


__all__ = [
    "STEPS",
    "add_note",
    "age_in_days",
    "allowed_actions",
    "assign_blocker",
    "escalate_blocker",
    "is_involved",
    "may_take",
    "raise_blocker",
    "solve_blocker",
    "withdraw_blocker",
]
