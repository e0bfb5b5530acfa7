"""Every state change of the tracker app: one function, one transaction."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import save_edited
from core.evidence import evidence_atomic
from core.reports import record_report

from . import loop, roles
from .choices import LoopAction, TaskState, TaskStatus
from .models import ApiToken, KeyTask, TaskUpdate


def validate_supporters(lead_department_id, supporting_departments, tenant_id=None):
    """The lead department cannot also support its own task (admin form and service
    alike); with ``tenant_id``, supporters are of the task's city only (a many-to-many link
    is not checked by the model's full_clean)."""
    if any(department.pk == lead_department_id for department in supporting_departments or ()):
        raise ValidationError(
            {"supporting_departments": _("The lead department cannot also support the task.")}
        )
    if tenant_id is not None and any(
        department.tenant_id != tenant_id for department in supporting_departments or ()
    ):
        raise ValidationError({"supporting_departments": _("This record belongs to another city.")})


# What a task's reports decide: a plain edit may not change these once reports exist.
REPORTED_TASK_FIELDS = ("status", "progress", "completed_on")


@transaction.atomic
def save_key_task(task, *, supporting_departments=None, by=None):
    """Validate and save a key task (new or changed), with its supporting departments.

    ``by`` is the user making the change (None: the system, e.g. the seed): they must
    be allowed to change the stored task and still be after the save, in this
    transaction; a task read at an older version is refused (StaleObjectError).
    """

    is_new = task.pk is None
    if is_new:
        task.state = loop.state_for_new_task(task, by)
        task.assigned_at = timezone.now()
        if task.state != TaskState.ASSIGNED:
            task.received_at = task.assigned_at
    else:
        stored_status = KeyTask.objects.values_list("status", flat=True).get(pk=task.pk)
        loop.sync_state_with_status(task, stored_status, by)

    def after_save():
        if supporting_departments is not None:
            validate_supporters(
                task.lead_department_id, supporting_departments, tenant_id=task.tenant_id
            )
            task.supporting_departments.set(supporting_departments)
        if is_new:
            loop.record_step(
                task, action=LoopAction.ASSIGN, from_state="", to_state=task.state, by=by
            )

    return save_edited(
        task,
        by=by,
        reported_fields=REPORTED_TASK_FIELDS,
        message=_("Once a task has progress reports, record a new report to change this."),
        after_save=after_save,
    )


@evidence_atomic()
def record_task_update(
    *, task, reported_on, status, progress, note="", author=None, today=None, files=()
):
    """Add a progress report to a key task and make it the task's current state, with its
    evidence files (checked uploads); the report moves the task along the loop.

    The author must be allowed to change the task (None: the system).
    """
    if status == TaskStatus.DONE:
        progress = 100 if progress is None else progress

    def build(task):
        return TaskUpdate(
            task=task,
            reported_on=reported_on,
            status=status,
            progress=progress,
            note=note,
            author=author,
        )

    def apply(task):
        loop.follow_report(task, status, author, note=note)
        task.status = status
        task.progress = progress
        task.completed_on = reported_on if status == TaskStatus.DONE else None

    report = record_report(
        task,
        author=author,
        reported_on=reported_on,
        today=today,
        build=build,
        apply=apply,
        update_fields=["status", "progress", "completed_on", "state", "received_at"],
    )
    loop.attach(report.task, files, by=author, report=report)
    return report


@transaction.atomic
def complete_tasks(*, tasks, completed_on, author=None, note="", today=None):
    """Mark several tasks done on one date: each gets its report; all or none."""
    completed = []
    for task in tasks:
        if task.status == TaskStatus.DONE:
            continue
        record_task_update(
            task=task,
            reported_on=completed_on,
            status=TaskStatus.DONE,
            progress=100,
            note=note,
            author=author,
            today=today,
        )
        completed.append(task)
    return completed


def sync_role(official):
    """Put the official's user in the group of their role, and only that one."""
    supervisors, _ = Group.objects.get_or_create(name=roles.SUPERVISORS)
    officials, _ = Group.objects.get_or_create(name=roles.OFFICIALS)
    user = official.user
    user.groups.remove(officials if official.is_supervisor else supervisors)
    user.groups.add(supervisors if official.is_supervisor else officials)


@transaction.atomic
def save_official(official):
    """Validate and save an official's profile, keeping their role's group in step."""
    official.full_clean()
    official.save()
    sync_role(official)
    return official


@transaction.atomic
def add_official(official, *, username, password, full_name="", email=""):
    """Give an unsaved official (department, phone, role filled in) a new login and save
    both; the admin's add form passes the official it built."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(username=username, first_name=full_name, email=email, is_staff=True)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    official.user = user
    return save_official(official)


def token_digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_token(*, name, user, scope, created_by=None):
    """Create a token; returns (token, key). The key is never stored, only its digest."""
    token = ApiToken(name=name, user=user, scope=scope)
    return token, issue_api_token(token, created_by=created_by)


@transaction.atomic
def issue_api_token(token, *, created_by=None):
    """Save an unsaved token (name, user, scope filled in) with a new key; returns the key,
    which is shown once and never stored (only its digest is)."""
    key = secrets.token_urlsafe(32)
    token.prefix = key[:8]
    token.digest = token_digest(key)
    token.created_by = created_by
    token.full_clean()
    token.save()
    return key


@transaction.atomic
def revoke_api_tokens(tokens):
    return ApiToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
