"""The supervision loop's records: each step a task took, and the escalation ladder."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.evidence import EvidenceFile
from core.ownership import OwnedManager
from core.validators import one_line_errors
from regions.tenancy import TenantOwned

from ..choices import Audience, LoopAction, TaskState
from .tasks import KeyTask


class TaskTransition(models.Model):
    """One step of a key task along the loop, who took it and when: the loop's history."""

    owner_department_path = "task__lead_department"
    tenant_path = "task__tenant"

    task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=24, choices=LoopAction.choices)
    from_state = models.CharField(_("from"), max_length=24, choices=TaskState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=24, choices=TaskState.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="task_transitions",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("supervision step")
        verbose_name_plural = _("supervision steps")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["task", "at"], name="transition_task_at")]

    def __str__(self):
        return f"{self.task.code} {self.get_action_display()}"


class EscalationRung(TenantOwned):
    """A rung of the escalation ladder: who hears of an open item, and when, counted in
    working days from its deadline (negative: before it). Supervisors edit the ladder."""

    name = models.CharField(_("name"), max_length=50)
    working_days = models.SmallIntegerField(
        _("working days after the deadline"),
        help_text=_("Negative before the deadline: -3 is three working days before it."),
    )
    audience = models.CharField(_("reaches"), max_length=16, choices=Audience.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("escalation rung")
        verbose_name_plural = _("escalation ladder")
        ordering = ["working_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "working_days"],
                name="escalation_rung_unique_day",
                violation_error_message=_("The ladder already has a rung on this day."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if errors := one_line_errors(self, "name"):
            raise ValidationError(errors)


class TaskEvidence(EvidenceFile):
    """A file attached to a key task's report or completion request (photos, contracts,
    minutes). Served only through the tracker's view, to those who may read the task."""

    owner_department_path = "task__lead_department"
    tenant_path = "task__tenant"

    task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="evidence"
    )
    report = models.ForeignKey(
        "tracker.TaskUpdate",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    transition = models.ForeignKey(
        TaskTransition,
        verbose_name=_("supervision step"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )

    objects = OwnedManager()

    class Meta(EvidenceFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
