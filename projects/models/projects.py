import datetime
import itertools

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.keyset import Negated
from core.ownership import OwnedManager, OwnedQuerySet
from core.timestamps import Timestamped
from core.validators import one_line_errors, year_errors
from regions.models import Division, Park
from regions.tenancy import TenantOwned
from tracker.choices import ReportingCycle
from tracker.models import Department

from ..choices import STAGE_DATE_FIELDS, BaseFunction, IndustryChainGroup, Stage, stages_reached
from ..ledger import credit_code_errors
from .deadline_indexes import DEADLINE_INDEXES

# Money is stored in 万元 (10^4 yuan): 14 digits with 2 decimals reach 10^12 万元.
MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}

# Dates that must come in this order when present: signed ≤ started ≤ produced.
DATE_ORDER = ("signed_on", "started_on", "produced_on")


credit_code_validator = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    _(
        "A unified social credit code is 18 characters: digits and capital letters "
        "(not I, O, Z, S, V)."
    ),
)


class IndustryChain(Timestamped):
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=32, choices=IndustryChainGroup.choices)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "name"],
                name="industry_chain_unique_in_group",
                violation_error_message=_("This group already has a chain of this name."),
            ),
        ]

    # What __str__ shows, read without building objects (core.admin_filters).
    choice_label_fields = ("name",)

    def __str__(self):
        return self.name

    def clean(self):
        if errors := one_line_errors(self, "name", "name_en"):
            raise ValidationError(errors)


class ProjectQuerySet(OwnedQuerySet):
    def of_year(self, year):
        """Projects of the ledger ``year``, said twice: as ``(-year)`` too, so that the
        planner sees the list's own order ((-year), code, id; core.keyset) fixed on its first
        column and reads a page from the keyset indexes in order (at 1,000,000 projects a
        year and a stage took 538 ms by ``year`` alone, 0.2 ms so)."""
        of_year = self.filter(year=year)
        if 0 <= year <= 32767:  # a year the column holds; negating any other may overflow
            of_year = of_year.filter(Exact(Negated("year"), -year))
        return of_year

    def from_province(self, province):
        """Projects whose investor comes from ``province`` or a place within it."""
        return self.filter(
            Q(origin=province) | Q(origin__parent=province) | Q(origin__parent__parent=province)
        )

    def milestone_due_by(self, date):
        """Projects whose next milestone falls on or before ``date`` (see next_milestone)."""
        return self.filter(
            Q(stage=Stage.SIGNED, planned_start_on__lte=date)
            | Q(stage=Stage.UNDER_CONSTRUCTION, planned_production_on__lte=date)
        )

    def milestone_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.milestone_due_by(today - datetime.timedelta(days=1))

    def with_last_report(self):
        # A correlated subquery, not Max() over a join: PostgreSQL evaluates it only for
        # the rows of the page shown, where a join would aggregate every report first.
        reports = self.model.updates.rel.related_model  # ProjectUpdate (.reports imports us)
        latest = reports.objects.filter(project=OuterRef("pk")).order_by("-reported_on")
        return self.annotate(last_reported_on=Subquery(latest.values("reported_on")[:1]))


class Project(TenantOwned, Timestamped):
    """An investment project (招商引资项目) and its current state."""

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=300)
    investor = models.CharField(_("investor"), max_length=300, blank=True)
    investor_credit_code = models.CharField(
        _("investor's unified social credit code"),
        max_length=18,
        blank=True,
        validators=[credit_code_validator],
        help_text=_("18 characters (GB 32100-2015), where known."),
    )
    origin = models.ForeignKey(
        Division,
        verbose_name=_("origin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_from",
        help_text=_("Where the investor comes from."),
    )
    host_division = models.ForeignKey(
        Division,
        verbose_name=_("host county/district"),
        on_delete=models.PROTECT,
        related_name="projects_hosted",
        help_text=_("The county or district where the project lands."),
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    industry_chain = models.ForeignKey(
        IndustryChain,
        verbose_name=_("industry chain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    base_function = models.CharField(
        _("base function"), max_length=32, choices=BaseFunction.choices, blank=True
    )
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField(
        _("ledger year"), help_text=_("The year whose ledger (台账) counts the project.")
    )
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices, default=Stage.LEAD)
    total_investment = models.DecimalField(_("total investment (10,000 yuan)"), default=0, **MONEY)
    funds_in_place = models.DecimalField(_("funds in place (10,000 yuan)"), default=0, **MONEY)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    planned_start_on = models.DateField(_("planned start"), null=True, blank=True)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    planned_production_on = models.DateField(_("planned production"), null=True, blank=True)
    produced_on = models.DateField(_("in operation since"), null=True, blank=True)
    is_key = models.BooleanField(_("key project"), default=False)
    reporting_cycle = models.CharField(
        _("reporting cycle"),
        max_length=8,
        choices=ReportingCycle.choices,
        default=ReportingCycle.DEFAULT,
        # Also a database default, for rows written in bulk outside Django (the benchmark).
        db_default=ReportingCycle.DEFAULT,
        blank=True,
        help_text=_("How often a key project reports progress; blank: the default."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, null=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Counts the saves, so that a change built on an old copy is refused."),
    )
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["is_demo"])
    owner_department_path = "responsible_department"
    # What a province or region reads of a city's projects: signed and later ones
    # (core.tenancy.read_rule); "" is the path from a project to itself.
    share_prefix = ""

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        # Total (two cities may both have XM-2024-001) and in one direction: the year
        # negated, so that "after this row" is one row comparison (core.keyset).
        ordering = [Negated("year").asc(), "code", "id"]
        indexes = [
            models.Index(fields=["year", "stage"], name="project_year_stage"),
            # The lists' order: a page of ids, a cursor's rows, a count up to the cap and
            # the last pages (read backwards) come from the index alone
            # (core.rest.pagination, core.keyset). It carries the year (PostgreSQL reads an
            # index alone only when it holds the columns, not just -year), the city and
            # the stage, so that a province's rule and a stage filter are checked on the
            # index without visiting the table (migration 0021).
            models.Index(
                Negated("year"),
                F("code"),
                F("id"),
                name="project_list_keyset",
                include=["year", "tenant", "stage"],
            ),
            # The same order within one city: a city's users (most readers) page their own
            # city's list, 1/25 of a province's rows, without walking the others'.
            models.Index(
                F("tenant"),
                Negated("year"),
                F("code"),
                F("id"),
                name="project_tenant_keyset",
                include=["year", "stage"],
            ),
            # A syncing client pages by (updated_at, id) (core.rest.sync).
            models.Index(fields=["updated_at", "id"], name="project_sync"),
            *DEADLINE_INDEXES,  # the digests' and reminders' reads of one city
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"],
                name="project_code_unique_in_tenant",
                violation_error_message=_("A project with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0),
                name="project_total_investment_not_negative",
                violation_error_message=_("Total investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(funds_in_place__gte=0),
                name="project_funds_not_negative",
                violation_error_message=_("Funds in place cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(signed_on__lte=models.F("started_on")),
                name="project_signed_before_started",
                violation_error_message=_("A project cannot start before it is signed."),
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(produced_on__isnull=True)
                | Q(started_on__lte=models.F("produced_on")),
                name="project_started_before_produced",
                violation_error_message=_("A project cannot operate before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        errors = {
            **one_line_errors(self, "code", "name", "investor"),
            **year_errors(self, "year"),
            **credit_code_errors(self, "investor_credit_code"),
        }
        try:
            over = self.funds_in_place > self.total_investment
        except TypeError:  # a value its own field refused already
            over = False
        if over:
            errors["funds_in_place"] = _(
                "Funds in place cannot exceed the total investment; "
                "raise the total investment first."
            )
        for stage in stages_reached(self.stage):
            field = STAGE_DATE_FIELDS.get(stage)
            if field and getattr(self, field) is None:
                errors[field] = _("A project at stage “%(stage)s” needs this date.") % {
                    "stage": Stage(self.stage).label
                }
        present = [(f, getattr(self, f)) for f in DATE_ORDER if getattr(self, f) is not None]
        for (earlier, earlier_date), (later, later_date) in itertools.pairwise(present):
            if later_date < earlier_date:
                errors.setdefault(
                    later,
                    _("This date cannot be before “%(field)s”.")
                    % {"field": self._meta.get_field(earlier).verbose_name},
                )
        if self.planned_start_on and self.signed_on and self.planned_start_on < self.signed_on:
            errors.setdefault("planned_start_on", _("The planned start cannot be before signing."))
        if errors:
            raise ValidationError(errors)

    def next_milestone(self):
        """The deadline the project is working towards now, as (label, date) or None.

        A signed project owes its start by the planned start date; a project under
        construction owes production by the planned production date.
        """
        if self.stage == Stage.SIGNED and self.planned_start_on:
            return (_("start of construction"), self.planned_start_on)
        if self.stage == Stage.UNDER_CONSTRUCTION and self.planned_production_on:
            return (_("start of production"), self.planned_production_on)
        return None

    def milestone_overdue(self, today=None):
        milestone = self.next_milestone()
        return milestone is not None and milestone[1] < (today or timezone.localdate())
