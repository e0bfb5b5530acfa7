"""The supervision loop (督办闭环) as services: one function per step, one transaction each.

交办 (assign) → 签收 (receive) → 按期填报 (reports, ``services.record_task_update``) →
申请办结 (request completion, with a note and evidence) → 销号 (close) or 退回 (return to
work); a supervisor may cancel an open task. ``STEPS`` is the table of what each step
needs: the states it starts from, the state it leads to and who may take it. A refused
step raises (PermissionDenied or ValidationError) and changes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import evidence_atomic, store_evidence
from core.ownership import is_supervisor, owns
from core.steps import NOTE_MAX_LENGTH as NOTE_MAX_LENGTH  # the limit forms show
from core.steps import Step, step_text
from notifications.events import publish

from .choices import STATE_OF_STATUS, LoopAction, TaskState, TaskStatus
from .models import KeyTask, TaskEvidence, TaskTransition

LEAD = "lead"  # an official of the task's lead department (or a supervisor for them)
SUPERVISOR = "supervisor"


OPEN = frozenset({TaskState.ASSIGNED, TaskState.RECEIVED, TaskState.IN_PROGRESS})
STEPS = {
    LoopAction.RECEIVE: Step(frozenset({TaskState.ASSIGNED}), TaskState.RECEIVED, LEAD),
    LoopAction.REQUEST_COMPLETION: Step(
        frozenset({TaskState.RECEIVED, TaskState.IN_PROGRESS}),
        TaskState.COMPLETION_REQUESTED,
        LEAD,
        needs_note=True,
    ),
    LoopAction.CLOSE: Step(
        frozenset({TaskState.COMPLETION_REQUESTED}), TaskState.CLOSED, SUPERVISOR
    ),
    LoopAction.RETURN: Step(
        frozenset({TaskState.COMPLETION_REQUESTED}),
        TaskState.IN_PROGRESS,
        SUPERVISOR,
        needs_note=True,
    ),
    LoopAction.CANCEL: Step(
        OPEN | {TaskState.COMPLETION_REQUESTED}, TaskState.CANCELLED, SUPERVISOR, needs_note=True
    ),
}


def may_take(user, task, action):
    """May ``user`` take ``action`` on ``task`` as it is now (state and role)?"""
    step = STEPS[action]
    if task.state not in step.sources:
        return False
    if step.taken_by == SUPERVISOR:
        # The office of the task's own city (owns: a supervisor owns their city's tasks).
        return is_supervisor(user) and owns(user, task)
    return owns(user, task)


def allowed_actions(user, task):
    """The steps ``user`` may take on ``task`` now, in the table's order (buttons, API)."""
    return [action for action in STEPS if may_take(user, task, action)]


def refuse_step(task, action, by):
    step = STEPS[action]
    if task.state not in step.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the task is “%(state)s”.")
            % {"action": LoopAction(action).label, "state": task.get_state_display()}
        )
    if step.taken_by == SUPERVISOR:
        raise PermissionDenied(_("Only the leading group office may do this."))
    raise PermissionDenied(_("Only the lead department's officials may do this."))


def record_step(task, *, action, to_state, by, note="", from_state=None):
    """Move the locked ``task`` to ``to_state`` and write the step into its history."""
    transition = TaskTransition.objects.create(
        task=task,
        action=action,
        from_state=task.state if from_state is None else from_state,
        to_state=to_state,
        note=note,
        by=by,
    )
    task.state = to_state
    publish("task.state_changed", obj=task, data=step_event(task, transition))
    return transition


def step_event(task, transition):
    """A step's webhook data (the task's version is read from the API: it moves on save)."""
    return {
        "code": task.code,
        "department_id": task.lead_department_id,
        "action": transition.action,
        "from_state": transition.from_state,
        "to_state": transition.to_state,
        "transition_id": transition.pk,
    }


def locked(task, by=None):
    """The task, locked, as ``by`` reads it: another city's task is not there for them
    (``by=None``: the system)."""
    rows = KeyTask.objects.select_for_update().filter(pk=task.pk)
    stored = (rows if by is None else rows.visible_to(by)).order_by("pk").first()
    if stored is None:
        raise PermissionDenied(_("This key task belongs to another city."))
    return stored


def take_step(task, action, *, by, note=""):
    """Lock the task, check the table, record the step; returns (task, transition)."""
    task = locked(task, by)
    check_step(task, action, by)
    note = clean_note(note, required=STEPS[action].needs_note)
    transition = record_step(task, action=action, to_state=STEPS[action].target, by=by, note=note)
    return task, transition


def clean_note(note, *, required):
    """The note stripped; refused when required and empty, or longer than a paragraph."""
    return step_text(note, required=required, missing=_("Please say why (a short note)."))


def save_state(task, *fields):
    task.version += 1
    task.full_clean()
    task.save(update_fields=["state", "version", *fields])
    return task


@transaction.atomic
def receive_task(task, *, by, note=""):
    """签收: the lead department acknowledges a task handed to it."""
    task, _transition = take_step(task, LoopAction.RECEIVE, by=by, note=note)
    task.received_at = timezone.now()
    return save_state(task, "received_at")


def attach(task, files, *, by, report=None, transition=None):
    """Store evidence files against a report or a step of ``task`` (in the caller's
    ``evidence_atomic`` block, so that a failure leaves neither rows nor files)."""
    return [
        store_evidence(TaskEvidence, upload, by=by, task=task, report=report, transition=transition)
        for upload in files
    ]


@evidence_atomic()
def request_completion(task, *, by, note, files=()):
    """申请办结: the lead department says the task is done, with a note and evidence files
    (checked uploads); a refused file refuses the request and stores nothing."""
    task, transition = take_step(task, LoopAction.REQUEST_COMPLETION, by=by, note=note)
    save_state(task)
    attach(task, files, by=by, transition=transition)
    return transition


def check_step(task, action, by):
    """Refuse ``action`` unless ``by`` may take it on ``task`` as it is now."""
    if by is not None and not may_take(by, task, action):
        refuse_step(task, action, by)
    if by is None and task.state not in STEPS[action].sources:
        refuse_step(task, action, by)


@transaction.atomic
def close_task(task, *, by, note="", today=None):
    """销号: a supervisor accepts the completion request. The task is done as of today,
    through the supervisor's report, so that the latest report stays the current state;
    the report records the step (``follow_report``)."""
    from .services import record_task_update

    task = locked(task, by)
    check_step(task, LoopAction.CLOSE, by)
    record_task_update(
        task=task,
        reported_on=today or timezone.localdate(),
        status=TaskStatus.DONE,
        progress=100,
        note=clean_note(note, required=False) or _("Closed out by the leading group office."),
        author=by,
        today=today,
    )
    return locked(task, by)


@transaction.atomic
def return_task(task, *, by, note):
    """退回: a supervisor sends a completion request back, saying why; work goes on."""
    task, _transition = take_step(task, LoopAction.RETURN, by=by, note=note)
    return save_state(task)


@transaction.atomic
def cancel_task(task, *, by, note, today=None):
    """A supervisor cancels an open task, saying why, through a report as for close-out."""
    from .services import record_task_update

    task = locked(task, by)
    check_step(task, LoopAction.CANCEL, by)
    note = clean_note(note, required=True)
    record_task_update(
        task=task,
        reported_on=today or timezone.localdate(),
        status=TaskStatus.CANCELLED,
        progress=task.progress,
        note=note,
        author=by,
        today=today,
    )
    return locked(task, by)


def state_after_report(task, status, by):
    """The loop's state once a report with ``status`` is recorded on ``task`` by ``by``.

    Officials report work (not started, in progress); only the leading group office ends a
    task (done through close-out, cancelled) or reopens an ended one. A report on a task
    awaiting receipt also acknowledges it. Raises ValidationError for a refused report.
    """
    supervisor = by is None or is_supervisor(by)
    if not supervisor:
        if status == TaskStatus.DONE:
            raise ValidationError(
                {"status": _("Request completion instead; the leading group office closes it.")}
            )
        if status == TaskStatus.CANCELLED:
            raise ValidationError({"status": _("Only the leading group office cancels a task.")})
        if task.state in (TaskState.CLOSED, TaskState.CANCELLED):
            raise ValidationError(
                {"status": _("This task is closed; ask the leading group office to reopen it.")}
            )
    if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        return STATE_OF_STATUS[status]
    if task.state in (TaskState.CLOSED, TaskState.CANCELLED):
        return STATE_OF_STATUS[status]
    if status == TaskStatus.IN_PROGRESS and task.state in (TaskState.ASSIGNED, TaskState.RECEIVED):
        return TaskState.IN_PROGRESS
    if task.state == TaskState.ASSIGNED:
        return TaskState.RECEIVED
    return task.state


def follow_report(task, status, by, note=""):
    """Apply ``state_after_report`` to the locked task, recording the step if it moved."""
    state = state_after_report(task, status, by)
    if state == task.state:
        return
    if task.state == TaskState.ASSIGNED:
        task.received_at = timezone.now()
    action = {
        TaskState.CLOSED: LoopAction.CLOSE,
        TaskState.CANCELLED: LoopAction.CANCEL,
    }.get(state, LoopAction.REPORT)
    record_step(task, action=action, to_state=state, by=by, note=note)


ENDED_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)


def refuse_ending_by_edit(status, stored_status, by):
    """Only the leading group office ends a task (done, cancelled) or reopens an ended one,
    by an edit as by a report: an official's edit or new task may not."""
    if by is None or is_supervisor(by):
        return
    if status in ENDED_STATUSES and status != stored_status:
        raise ValidationError(
            {"status": _("Request completion instead; the leading group office closes it.")}
        )
    if stored_status in ENDED_STATUSES and status != stored_status:
        raise ValidationError(
            {"status": _("This task is closed; ask the leading group office to reopen it.")}
        )


def state_for_new_task(task, by):
    """A new task starts where its status says; a not-started task a supervisor hands out
    awaits receipt, while one the department adds itself (or an import) is received."""
    refuse_ending_by_edit(task.status, None, by)
    if task.status == TaskStatus.NOT_STARTED and by is not None and is_supervisor(by):
        return TaskState.ASSIGNED
    return STATE_OF_STATUS[task.status]


def sync_state_with_status(task, stored_status, by):
    """An edit of a task without reports may change its status; the state follows, and the
    step is recorded as a report's would be (``follow_report``)."""
    if task.status == stored_status:
        return
    refuse_ending_by_edit(task.status, stored_status, by)
    follow_report(task, task.status, by)
