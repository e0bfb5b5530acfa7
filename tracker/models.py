import datetime

from django.conf import settings
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
from core.validators import email_errors, one_line_errors, year_errors
from regions.models import Division

from .choices import OPEN_TASK_STATUSES, Aspect, TaskStatus


class Department(models.Model):
    """A municipal department (市直部门) that owns key tasks and projects."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, unique=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("government of"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("The division whose government the department belongs to."),
    )
    has_liaison_section = models.BooleanField(
        _("has a Beijing-Tianjin-Hebei liaison section"),
        default=False,
        help_text=_("Whether the department has set up a 对接京津冀工作科."),
    )
    email = models.EmailField(_("email"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    history = HistoricalRecords(excluded_fields=["is_demo"])

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        errors = {**one_line_errors(self, "name", "short_name"), **email_errors(self, "email")}
        if errors:
            raise ValidationError(errors)


class Official(models.Model):
    """The tracker profile of a user: which department they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="official",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_supervisor = models.BooleanField(
        _("supervisor"),
        default=False,
        help_text=_("Works in the leading group office and supervises every department."),
    )
    receives_digest = models.BooleanField(_("receives the weekly digest"), default=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_supervisor=True) | Q(department__isnull=False),
                name="official_supervisor_or_department",
                violation_error_message=_(
                    "An official who is not a supervisor needs a department."
                ),
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class WorkPoint(models.Model):
    """A work point (工作要点) of a year's plan, under one of the five aspects."""

    year = models.PositiveSmallIntegerField(_("year"))
    aspect = models.CharField(_("aspect"), max_length=16, choices=Aspect.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("work point")
        verbose_name_plural = _("work points")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
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


class KeyTask(models.Model):
    """A key task (重点任务) with a deadline (完成时限), led by one department."""

    code = models.CharField(_("code"), max_length=32, unique=True)
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

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["deadline", "code"]
        indexes = [models.Index(fields=["status", "deadline"], name="keytask_status_deadline")]
        constraints = [
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
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

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
    history = HistoricalRecords()

    task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="updates"
    )
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    objects = OwnedManager()

    class Meta(Report.Meta):
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")
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


class ApiTokenQuerySet(OwnedQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key with which a dashboard or another system calls the API as a user.

    Only a digest of the key is stored; the key itself is shown once, when the token
    is created. A read-only token can never write, whatever its user may do.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who uses it, e.g. “city dashboard”.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token may do what this user may do, and no more."),
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False, db_index=True)
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def can_write(self):
        return self.scope == self.Scope.READ_WRITE
