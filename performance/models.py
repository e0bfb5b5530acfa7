"""Annual targets (目标任务) per county and per department, and how rankings weigh them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.ownership import OwnedManager
from core.timestamps import TouchOnSave
from core.validators import one_line_errors, year_errors
from projects.models import MONEY
from regions.models import Division
from regions.tenancy import TenantOwned, default_tenant_id
from tracker.models import Department

COUNT = {"null": True, "blank": True}


class Target(TenantOwned, TouchOnSave):
    """One unit's annual targets: a county-level division's or a department's, one row a
    year. A blank measure has no target (it is left out of the unit's score)."""

    year = models.PositiveSmallIntegerField(_("year"))
    division = models.ForeignKey(
        Division,
        verbose_name=_("county/district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
    )
    signed_projects = models.PositiveIntegerField(_("projects signed"), **COUNT)
    started_projects = models.PositiveIntegerField(_("projects started"), **COUNT)
    producing_projects = models.PositiveIntegerField(_("projects in operation"), **COUNT)
    funds_in_place = models.DecimalField(
        _("funds in place (10,000 yuan)"), null=True, blank=True, **MONEY
    )
    jjj_projects = models.PositiveIntegerField(
        _("projects from Beijing, Tianjin and Hebei"),
        help_text=_("Projects whose investor comes from Beijing, Tianjin or Hebei, started."),
        **COUNT,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    history = HistoricalRecords(excluded_fields=["is_demo"])
    province_reads_whole = True

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        ordering = ["-year", "division__code", "department__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(division__isnull=True, department__isnull=False)
                | Q(division__isnull=False, department__isnull=True),
                name="target_one_unit",
                violation_error_message=_("A target belongs to a county or to a department."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "year", "division"],
                condition=Q(division__isnull=False),
                name="target_unique_division_year",
                violation_error_message=_("This county already has targets for this year."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "year", "department"],
                condition=Q(department__isnull=False),
                name="target_unique_department_year",
                violation_error_message=_("This department already has targets for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.division or self.department}"

    def clean(self):
        errors = {**year_errors(self, "year"), **one_line_errors(self, "note")}
        if (self.division_id is None) == (self.department_id is None):
            errors["division"] = _("Choose a county or a department, not both.")
        if errors:
            raise ValidationError(errors)


WEIGHT = {"validators": [MaxValueValidator(100)]}
RATE = {"max_digits": 5, "decimal_places": 2}


class RankingSettings(TenantOwned):
    """How rankings score a unit (one row, edited by supervisors; docs/rankings.md)."""

    weight_signed = models.PositiveSmallIntegerField(
        _("weight: projects signed"), default=20, **WEIGHT
    )
    weight_started = models.PositiveSmallIntegerField(
        _("weight: projects started"), default=20, **WEIGHT
    )
    weight_producing = models.PositiveSmallIntegerField(
        _("weight: projects in operation"), default=15, **WEIGHT
    )
    weight_funds = models.PositiveSmallIntegerField(
        _("weight: funds in place"), default=30, **WEIGHT
    )
    weight_jjj = models.PositiveSmallIntegerField(
        _("weight: projects from Beijing, Tianjin and Hebei"), default=15, **WEIGHT
    )
    weight_targets = models.PositiveSmallIntegerField(
        _("weight of the targets in the score"), default=80, **WEIGHT
    )
    weight_discipline = models.PositiveSmallIntegerField(
        _("weight of reporting discipline in the score"),
        default=20,
        help_text=_("On-time reports and overdue key tasks (departments only)."),
        **WEIGHT,
    )
    overdue_task_penalty = models.DecimalField(
        _("points off the discipline part per overdue key task"),
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **RATE,
    )
    rate_cap = models.DecimalField(
        _("completion rate counted at most"),
        default=Decimal("1.20"),
        help_text=_("Overshooting one target makes up for another only up to this rate."),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("5"))],
        **RATE,
    )
    red_list_size = models.PositiveSmallIntegerField(_("red list: top places"), default=3)
    red_list_min_score = models.DecimalField(
        _("red list: lowest score"), default=Decimal("80"), **RATE
    )
    black_list_size = models.PositiveSmallIntegerField(_("black list: bottom places"), default=3)
    black_list_max_score = models.DecimalField(
        _("black list: highest score"), default=Decimal("60"), **RATE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OwnedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ranking settings")
        verbose_name_plural = _("ranking settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="ranking_settings_one_per_tenant"),
        ]

    def __str__(self):
        return str(_("ranking settings"))

    @classmethod
    def current(cls, tenant_id=None):
        """The tenant's row (the acting tenant's by default), made with the defaults the
        first time it is asked for."""
        return cls.objects.get_or_create(tenant_id=tenant_id or default_tenant_id())[0]

    def clean(self):
        measures = (
            self.weight_signed,
            self.weight_started,
            self.weight_producing,
            self.weight_funds,
            self.weight_jjj,
        )
        errors = {}
        if not any(measures):
            errors["weight_signed"] = _("At least one measure needs a weight.")
        if not (self.weight_targets or self.weight_discipline):
            errors["weight_targets"] = _("The targets or the discipline need a weight.")
        if errors:
            raise ValidationError(errors)
