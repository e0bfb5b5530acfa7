import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.deadlines import light_for
from core.ownership import OwnedManager, OwnedQuerySet
from core.reports import Report
from core.timestamps import Timestamped
from core.validators import one_line_errors, year_errors
from regions.tenancy import TenantOwned

from ..choices import (
    CHASED_TASK_STATES,
    OPEN_TASK_STATUSES,
    STATE_OF_STATUS,
    Aspect,
    ReportingCycle,
    TaskState,
    TaskStatus,
)
from .org import Department


class WorkPoint(TenantOwned, Timestamped):
    """A work point (工作要点) of a year's plan, under one of the five aspects."""

    year = models.PositiveSmallIntegerField(_("year"))
    aspect = models.CharField(_("aspect"), max_length=16, choices=Aspect.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    province_reads_whole = True

    class Meta:
        verbose_name = _("work point")
        verbose_name_plural = _("work points")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "year", "number"],
                name="work_point_number_unique_in_year",
                violation_error_message=_("This year already has a work point with this number."),
            ),
        ]

    def __str__(self):
        return f"{self.year}-{self.number:02d} {self.title}"

    def clean(self):
        if errors := {**one_line_errors(self, "title"), **year_errors(self, "year")}:
            raise ValidationError(errors)


class KeyTaskQuerySet(OwnedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def overdue(self, today=None):
        """Open tasks whose deadline has passed: overdue is derived, never stored."""
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def due_within(self, days, today=None):
        today = today or timezone.localdate()
        return self.open().filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days)
        )


class KeyTask(TenantOwned, Timestamped):
    """A key task (重点任务) with a deadline (完成时限), led by one department."""

    code = models.CharField(_("code"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    work_point = models.ForeignKey(
        WorkPoint,
        verbose_name=_("work point"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    supporting_departments = models.ManyToManyField(
        Department,
        verbose_name=_("supporting departments"),
        blank=True,
        related_name="supported_tasks",
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    completed_on = models.DateField(
        _("completed on"), null=True, blank=True, help_text=_("Required when the task is done.")
    )
    state = models.CharField(
        _("supervision state"),
        max_length=24,
        choices=TaskState.choices,
        default=TaskState.ASSIGNED,
        editable=False,
        help_text=_("Moved only by the loop's actions: receipt, reports, completion, close-out."),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, editable=False)
    reporting_cycle = models.CharField(
        _("reporting cycle"),
        max_length=8,
        choices=ReportingCycle.choices,
        default=ReportingCycle.DEFAULT,
        # Also a database default, for rows written in bulk outside Django (the benchmark).
        db_default=ReportingCycle.DEFAULT,
        blank=True,
        help_text=_("How often the lead department reports progress; blank: the default."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Counts the saves, so that a change built on an old copy is refused."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = KeyTaskQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["is_demo"], m2m_fields=[supporting_departments])
    owner_department_path = "lead_department"
    province_reads_whole = True

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["deadline", "code"]
        indexes = [
            # Covering: the task statistics count the open tasks not due yet from the
            # index alone (tracker.tallies), per department, work point or city.
            models.Index(
                fields=["status", "deadline"],
                include=["lead_department", "work_point", "tenant", "year", "id"],
                name="keytask_status_deadline_incl",
            ),
            models.Index(fields=["state", "deadline"], name="keytask_state_deadline"),
            # The tasks a department is chased for, in the digest's order: a digest counts
            # each department's from the index alone and reads its most urgent as the
            # first entries of one range (notifications.item_queries.first_per_department).
            models.Index(
                fields=["tenant", "lead_department", "deadline", "code", "id"],
                condition=Q(state__in=CHASED_TASK_STATES),
                name="keytask_chased_by_department",
            ),
            models.Index(fields=["updated_at", "id"], name="keytask_sync"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"],
                name="keytask_code_unique_in_tenant",
                violation_error_message=_("A key task with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="keytask_progress_at_most_100",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.DONE, completed_on__isnull=False)
                | (~Q(status=TaskStatus.DONE) & Q(completed_on__isnull=True)),
                name="keytask_completed_on_iff_done",
                violation_error_message=_(
                    "A done task needs its completion date, and only a done task has one."
                ),
            ),
            # The loop and the reported status never disagree on how a task ended.
            models.CheckConstraint(
                condition=(Q(state=TaskState.CLOSED) & Q(status=TaskStatus.DONE))
                | (~Q(state=TaskState.CLOSED) & ~Q(status=TaskStatus.DONE)),
                name="keytask_closed_iff_done",
                violation_error_message=_("A task is closed out exactly when it is done."),
            ),
            models.CheckConstraint(
                condition=(Q(state=TaskState.CANCELLED) & Q(status=TaskStatus.CANCELLED))
                | (~Q(state=TaskState.CANCELLED) & ~Q(status=TaskStatus.CANCELLED)),
                name="keytask_cancelled_in_both",
                violation_error_message=_("A cancelled task is cancelled in the loop too."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        # A task written straight with an ended status (a seed, a test) starts in the
        # matching state; services set the state themselves (tracker.loop).
        if self._state.adding and self.state == TaskState.ASSIGNED:
            self.state = STATE_OF_STATUS.get(self.status, TaskState.ASSIGNED)
            if self.status == TaskStatus.NOT_STARTED:
                self.state = TaskState.ASSIGNED
        super().save(*args, **kwargs)

    def clean(self):
        errors = {**one_line_errors(self, "code", "title"), **year_errors(self, "year")}
        if self.status == TaskStatus.DONE and self.completed_on is None:
            errors["completed_on"] = _("A done task needs its completion date.")
        if self.status != TaskStatus.DONE and self.completed_on is not None:
            errors["completed_on"] = _("Only a done task has a completion date.")
        if self.status == TaskStatus.DONE and self.progress != 100:
            errors["progress"] = _("A done task has progress 100.")
        if self.work_point_id is not None and self.year and self.work_point.year != self.year:
            errors["work_point"] = _("The work point belongs to another year.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.status in OPEN_TASK_STATUSES

    def is_overdue(self, today=None):
        return self.is_open and self.deadline < (today or timezone.localdate())

    def light(self, today=None):
        return light_for(self.deadline if self.is_open else None, today)


class TaskUpdate(Report):
    """A dated progress report on a key task."""

    owner_department_path = "task__lead_department"
    tenant_path = "task__tenant"
    province_reads_whole = True
    history = HistoricalRecords()

    # Indexed with created_at (Meta.indexes), which serves the foreign key's look-ups too.
    task = models.ForeignKey(
        KeyTask,
        verbose_name=_("key task"),
        on_delete=models.CASCADE,
        related_name="updates",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    objects = OwnedManager()

    class Meta(Report.Meta):
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")
        # Has it reported since a cycle opened (tracker.reporting.owing), and when last:
        # one index probe per record, never its reports' rows.
        indexes = [models.Index(fields=["task", "created_at"], name="taskupdate_task_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="taskupdate_progress_at_most_100",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
        ]

    def __str__(self):
        return f"{self.task.code} {self.reported_on}"

    @property
    def summary(self):
        return f"{self.get_status_display()} · {self.progress}%"
