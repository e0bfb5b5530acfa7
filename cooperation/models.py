"""The cooperation ledger: what Dezhou does with Beijing, Tianjin and Hebei besides
projects and key tasks (agreements, platforms, achievements, medical and talent
cooperation...), each item owned by the Dezhou department responsible for it."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.evidence import EvidenceFile
from core.ownership import OwnedManager, OwnedQuerySet
from core.reports import Report
from core.timestamps import TouchOnSave
from core.validators import FIRST_YEAR, LAST_YEAR, one_line_errors, year_errors
from projects.models import MONEY, Project
from regions.models import Division
from regions.tenancy import TenantOwned
from tracker.models import Department

from .choices import CooperationKind, CooperationState, CounterpartKind


class Counterpart(TenantOwned, TouchOnSave):
    """A partner in Beijing, Tianjin or Hebei (a district, university, institute, hospital,
    firm...), kept once and named by every item that works with it. Reference data:
    supervisors keep the list."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CounterpartKind.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("where"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counterparts",
        help_text=_("The district, city or province where the partner is."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    history = HistoricalRecords(excluded_fields=["is_demo"])

    class Meta:
        verbose_name = _("counterpart")
        verbose_name_plural = _("counterparts")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"],
                name="counterpart_name_unique_in_tenant",
                violation_error_message=_("A counterpart with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if errors := one_line_errors(self, "name"):
            raise ValidationError(errors)


class CooperationItemQuerySet(OwnedQuerySet):
    def open(self):
        return self.filter(state__in=(CooperationState.PLANNED, CooperationState.IN_PROGRESS))


class CooperationItem(TenantOwned, TouchOnSave):
    """One cooperation item of the ledger (台账), of one kind, owned by its department."""

    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=CooperationKind.choices)
    year = models.PositiveSmallIntegerField(
        _("ledger year"), help_text=_("The year whose ledger counts the item.")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="cooperation_items",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("county/district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperation_items",
        help_text=_("The Dezhou county or district responsible, if any."),
    )
    counterparts = models.ManyToManyField(
        Counterpart, verbose_name=_("counterparts"), blank=True, related_name="items"
    )
    agreement = models.ForeignKey(
        "self",
        verbose_name=_("under the agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items_under",
        limit_choices_to={"kind": CooperationKind.AGREEMENT},
    )
    area = models.ForeignKey(
        "AgreementArea",
        verbose_name=_("cooperation area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=CooperationState.choices,
        default=CooperationState.PLANNED,
    )
    started_on = models.DateField(_("started or signed on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    investment = models.DecimalField(_("investment (10,000 yuan)"), null=True, blank=True, **MONEY)
    people = models.PositiveIntegerField(
        _("people"),
        null=True,
        blank=True,
        help_text=_("Talent cooperation: how many experts or people it brings."),
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("landed as project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperation_items",
        help_text=_("The investment project this item became (an incubated project that landed)."),
    )
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = CooperationItemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["is_demo"], m2m_fields=[counterparts])
    owner_department_path = "department"

    class Meta:
        verbose_name = _("cooperation item")
        verbose_name_plural = _("cooperation items")
        ordering = ["-year", "code"]
        indexes = [
            models.Index(fields=["kind", "year"], name="cooperation_kind_year"),
            models.Index(fields=["updated_at", "id"], name="cooperation_sync"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"],
                name="cooperation_code_unique_in_tenant",
                violation_error_message=_("A cooperation item with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(achieved_on__isnull=True) | Q(state=CooperationState.ACHIEVED),
                name="cooperation_achieved_date_only_when_achieved",
                violation_error_message=_("Only an achieved item has an achievement date."),
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(achieved_on__isnull=True)
                | Q(started_on__lte=F("achieved_on")),
                name="cooperation_started_before_achieved",
                violation_error_message=_("An item cannot be achieved before it started."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        errors = {**one_line_errors(self, "code", "title"), **year_errors(self, "year")}
        if self.agreement_id is not None and self.kind == CooperationKind.AGREEMENT:
            errors["agreement"] = _("An agreement is not itself under another agreement.")
        if self.area_id is not None and self.area.agreement_id != self.agreement_id:
            errors["area"] = _("Choose an area of the agreement the item is under.")
        if self.state == CooperationState.ACHIEVED and self.achieved_on is None:
            errors["achieved_on"] = _("An achieved item needs the date it was achieved.")
        errors.update(self.date_errors())
        if errors:
            raise ValidationError(errors)

    def date_errors(self):
        """Dates in the ledger's years, and no achievement dated after today."""
        errors = {}
        for name in ("started_on", "deadline", "achieved_on"):
            day = getattr(self, name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                errors[name] = _("Enter a date from %(first)s to %(last)s.") % {
                    "first": FIRST_YEAR,
                    "last": LAST_YEAR,
                }
        if self.achieved_on is not None and self.achieved_on > timezone.localdate():
            errors.setdefault("achieved_on", _("An item cannot be achieved in the future."))
        return errors


class AgreementArea(TouchOnSave):
    """One of the areas a framework agreement covers (the Chaoyang agreement has 11)."""

    agreement = models.ForeignKey(
        CooperationItem,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="areas",
        limit_choices_to={"kind": CooperationKind.AGREEMENT},
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MaxValueValidator(999)])
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    history = HistoricalRecords(excluded_fields=["is_demo"])
    owner_department_path = "agreement__department"
    tenant_path = "agreement__tenant"

    class Meta:
        verbose_name = _("cooperation area")
        verbose_name_plural = _("cooperation areas")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"],
                name="agreement_area_number_unique",
                violation_error_message=_("The agreement already has an area of this number."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def clean(self):
        errors = one_line_errors(self, "title")
        if self.agreement_id and self.agreement.kind != CooperationKind.AGREEMENT:
            errors["agreement"] = _("Only a framework agreement has cooperation areas.")
        if errors:
            raise ValidationError(errors)


class CooperationUpdate(Report):
    """A dated progress report on a cooperation item."""

    owner_department_path = "item__department"
    tenant_path = "item__tenant"
    objects = OwnedManager()
    history = HistoricalRecords()

    item = models.ForeignKey(
        CooperationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="updates"
    )
    state = models.CharField(_("state"), max_length=16, choices=CooperationState.choices)

    class Meta(Report.Meta):
        verbose_name = _("cooperation report")
        verbose_name_plural = _("cooperation reports")

    def __str__(self):
        return f"{self.item.code} {self.reported_on}"

    @property
    def summary(self):
        return self.get_state_display()


class CooperationEvidence(EvidenceFile):
    """A file attached to a cooperation report (agreements, photos, minutes)."""

    owner_department_path = "item__department"
    tenant_path = "item__tenant"

    item = models.ForeignKey(
        CooperationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="evidence"
    )
    report = models.ForeignKey(
        CooperationUpdate,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )

    objects = OwnedManager()

    class Meta(EvidenceFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
