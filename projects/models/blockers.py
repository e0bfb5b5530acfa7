"""The blocker register (困难问题): problems that stall a project or a key task, who
coordinates their solution and by when, each step taken, and the evidence files."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.evidence import EvidenceFile
from core.ownership import OwnedQuerySet, department_id_of, is_supervisor
from core.timestamps import Timestamped
from core.validators import one_line_errors
from regions.tenancy import TenantOwned

from ..choices import CHASED_STATES, UNSOLVED_STATES, BlockerAction, BlockerKind, BlockerState
from .projects import Project

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 4000


class BlockerQuerySet(OwnedQuerySet):
    def unsolved(self):
        return self.filter(state__in=UNSOLVED_STATES)

    def chased(self):
        """Unsolved with a coordinator and a deadline: what climbs the escalation ladder."""
        return self.filter(state__in=CHASED_STATES)

    def involving(self, department_id):
        """Raised by, coordinated by or supported by the department."""
        return self.filter(
            Q(raising_department_id=department_id)
            | Q(coordinating_department_id=department_id)
            | Q(supporting_departments=department_id)
        ).distinct()

    def coordinated_by(self, user):
        """The problems ``user`` coordinates (as their department) or, for a
        supervisor, every problem."""
        if is_supervisor(user):
            return self
        department_id = department_id_of(user)
        if department_id is None:
            return self.none()
        return self.filter(coordinating_department_id=department_id)


class Blocker(TenantOwned, Timestamped):
    """A problem a project (or a key task) cannot get past alone: raised by the
    department that owns the project, given a coordinating department and a deadline by
    the leading group office, followed up until solved. The raising department owns the
    record (the department rule); the coordinating department records progress notes."""

    owner_department_path = "raising_department"

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blockers",
    )
    task = models.ForeignKey(
        "tracker.KeyTask",
        verbose_name=_("key task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blockers",
    )
    title = models.CharField(_("problem"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=16, choices=BlockerKind.choices)
    raising_department = models.ForeignKey(
        "tracker.Department",
        verbose_name=_("raised by department"),
        on_delete=models.PROTECT,
        related_name="raised_blockers",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised_blockers",
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    coordinating_department = models.ForeignKey(
        "tracker.Department",
        verbose_name=_("coordinating department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_blockers",
    )
    supporting_departments = models.ManyToManyField(
        "tracker.Department",
        verbose_name=_("supporting departments"),
        blank=True,
        related_name="supported_blockers",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=BlockerState.choices, default=BlockerState.OPEN
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = BlockerQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["raised_at", "pk"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="blocker_state_deadline"),
            models.Index(fields=["coordinating_department", "state"], name="blocker_coord_state"),
            models.Index(fields=["updated_at", "id"], name="blocker_sync"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, task__isnull=True)
                | Q(project__isnull=True, task__isnull=False),
                name="blocker_blocks_one_thing",
                violation_error_message=_("A problem blocks either a project or a key task."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=CHASED_STATES)
                | Q(coordinating_department__isnull=False, deadline__isnull=False),
                name="blocker_chased_has_coordinator",
                violation_error_message=_(
                    "A problem being coordinated needs a coordinating department and a deadline."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state=BlockerState.SOLVED, solved_on__isnull=False)
                | (~Q(state=BlockerState.SOLVED) & Q(solved_on__isnull=True)),
                name="blocker_solved_has_date",
                violation_error_message=_(
                    "A solved problem has the day it was solved, and only it."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if errors := one_line_errors(self, "title"):
            raise ValidationError(errors)

    @property
    def blocked(self):
        """What it blocks: the project or the key task."""
        return self.project if self.project_id else self.task

    @property
    def is_unsolved(self):
        return self.state in UNSOLVED_STATES


class BlockerStep(models.Model):
    """One step a problem took (raised, assigned, a progress note, escalated, solved,
    withdrawn), who took it and when: the problem's history, never edited."""

    owner_department_path = "blocker__raising_department"
    tenant_path = "blocker__tenant"

    blocker = models.ForeignKey(
        Blocker, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=16, choices=BlockerAction.choices)
    from_state = models.CharField(
        _("from"), max_length=16, choices=BlockerState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=16, choices=BlockerState.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blocker_steps",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem step")
        verbose_name_plural = _("problem steps")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["blocker", "at"], name="blocker_step_at")]

    def __str__(self):
        return f"{self.blocker} {self.get_action_display()}"


class BlockerEvidence(EvidenceFile):
    """A file attached to a step of a problem (a site photo, the minutes of the
    coordination meeting, the approval that solved it)."""

    owner_department_path = "blocker__raising_department"
    tenant_path = "blocker__tenant"

    blocker = models.ForeignKey(
        Blocker, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="evidence"
    )
    step = models.ForeignKey(
        BlockerStep,
        verbose_name=_("step"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )

    objects = OwnedQuerySet.as_manager()

    class Meta(EvidenceFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
