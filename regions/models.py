from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.ownership import OwnedManager, OwnedQuerySet
from core.timestamps import Timestamped
from core.validators import one_line_errors

from .choices import DivisionLevel, ParkKind
from .tenancy import TenantOwned

division_code_validator = RegexValidator(
    r"^\d{6}$", _("A division code is six digits (GB/T 2260).")
)


class DivisionQuerySet(OwnedQuerySet):
    def provinces(self):
        return self.filter(level=DivisionLevel.PROVINCE)

    def within(self, division):
        """The division itself and everything under it, up to three levels down."""
        return self.filter(
            Q(pk=division.pk)
            | Q(parent=division)
            | Q(parent__parent=division)
            | Q(parent__parent__parent=division)
        )


class Division(Timestamped):
    """An administrative division (行政区划), coded by GB/T 2260 where it has a code."""

    code = models.CharField(
        _("division code"),
        max_length=6,
        blank=True,
        validators=[division_code_validator],
        help_text=_("GB/T 2260 six-digit code; blank for zones that have none, such as 天衢新区."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=32, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="division_code_unique",
                violation_error_message=_("Another division already has this code."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="division_name_unique_in_parent",
                violation_error_message=_("This parent already has a division of this name."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="division_not_own_parent",
                violation_error_message=_("A division cannot be its own parent."),
            ),
        ]

    # What __str__ shows, read without building objects (core.admin_filters).
    choice_label_fields = ("name",)

    def __str__(self):
        return self.name

    def clean(self):
        if errors := one_line_errors(self, "name", "name_en"):
            raise ValidationError(errors)
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A division cannot lie within itself.")})
            ancestor = ancestor.parent

    @property
    def province(self):
        """The province-level division this one belongs to (itself for a province)."""
        division = self
        while division.parent_id is not None:
            division = division.parent
        return division


class Park(Timestamped):
    """A park where projects land: development zones, new areas, enclaves, platforms."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ParkKind.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="parks",
        help_text=_("The division the park lies in."),
    )
    partner_division = models.ForeignKey(
        Division,
        verbose_name=_("partner division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_parks",
        help_text=_("For a co-built park: the division that builds it with us."),
    )
    host_park = models.ForeignKey(
        "self",
        verbose_name=_("host park"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parks_within",
        help_text=_("For a park-in-park: the park it lies within."),
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(partner_division=F("division")),
                name="park_partner_not_own_division",
                violation_error_message=_("The partner division must differ from the location."),
            ),
        ]

    # What __str__ shows, read without building objects (core.admin_filters).
    choice_label_fields = ("name",)

    def __str__(self):
        return self.name

    def clean(self):
        errors = one_line_errors(self, "name", "name_en")
        if self.kind == ParkKind.CO_BUILT_PARK and self.partner_division_id is None:
            errors["partner_division"] = _("A co-built park needs its partner division.")
        if self.kind == ParkKind.PARK_IN_PARK and self.host_park_id is None:
            errors["host_park"] = _("A park-in-park needs the park it lies within.")
        if self.host_park_id is not None and self.host_park_id == self.pk:
            errors["host_park"] = _("A park cannot lie within itself.")
        if errors:
            raise ValidationError(errors)


class CounterpartPairing(TenantOwned, Timestamped):
    """A county-to-district pairing (一县一区 对接合作)."""

    home = models.ForeignKey(
        Division,
        verbose_name=_("home division"),
        on_delete=models.PROTECT,
        related_name="pairings_as_home",
    )
    counterpart = models.ForeignKey(
        Division,
        verbose_name=_("counterpart division"),
        on_delete=models.PROTECT,
        related_name="pairings_as_counterpart",
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    areas = models.TextField(
        _("areas of cooperation"), blank=True, help_text=_("What the two cooperate on.")
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    history = HistoricalRecords(excluded_fields=["is_demo"])
    province_reads_whole = True

    class Meta:
        verbose_name = _("counterpart pairing")
        verbose_name_plural = _("counterpart pairings")
        ordering = ["home__code", "counterpart__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "home", "counterpart"],
                name="pairing_unique_pair",
                violation_error_message=_("These two divisions are already paired."),
            ),
            models.CheckConstraint(
                condition=~Q(home=F("counterpart")),
                name="pairing_not_self",
                violation_error_message=_("A division cannot be paired with itself."),
            ),
        ]

    def __str__(self):
        return f"{self.home} ↔ {self.counterpart}"


from .tenants import Region, Tenant  # noqa: E402, F401  (models of this app)
