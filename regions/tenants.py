"""Cities (and provinces) as tenants, and the regions that share chain projects.

A tenant is the office that owns records: a prefecture-level city's integration office,
or a province's (for province targets and province key tasks). Its key is the GB/T 2260
code of its division, so a deployment for one city needs nothing but the existing
``TRACKER_CITY_CODE``: the migration makes that city's tenant, and every record belongs
to it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import TenantKind


class TenantQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(kind=TenantKind.CITY)


class Tenant(models.Model):
    code = models.CharField(
        _("division code"),
        max_length=6,
        primary_key=True,
        help_text=_("The GB/T 2260 code of the city or province, for example 371400."),
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TenantKind.choices, default=TenantKind.CITY
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cities",
        help_text=_("A city's province, whose users read what the city shares upward."),
    )
    bulletin_issuer = models.CharField(
        _("bulletin issuer"),
        max_length=100,
        blank=True,
        help_text=_("The office named in the bulletin's red header (blank: the setting)."),
    )
    bulletin_number_prefix = models.CharField(
        _("bulletin number prefix"),
        max_length=20,
        blank=True,
        help_text=_("For example 德协办通 (blank: the setting)."),
    )
    courting_hint = models.BooleanField(
        _("tell of other cities' contacts"),
        default=True,
        help_text=_(
            "When an official records a lead, say whether another city of the province is "
            "in contact with the same investor (never which one)."
        ),
    )
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("city (tenant)")
        verbose_name_plural = _("cities (tenants)")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == TenantKind.CITY and self.parent_id and self.parent.kind != "province":
            raise ValidationError({"parent": _("A city's parent must be a province.")})
        if self.kind == TenantKind.PROVINCE and self.parent_id:
            raise ValidationError({"parent": _("A province has no parent.")})

    @property
    def division(self):
        from .models import Division

        return Division.objects.filter(code=self.code).first()


class Region(models.Model):
    """A group of cities that share chain projects, read by a regional working group
    (京津冀产业协同专题工作组: the 六链五群 chains across the cities that share them)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    cities = models.ManyToManyField(Tenant, verbose_name=_("cities"), related_name="regions")
    chain_groups = models.JSONField(
        _("industry chain groups"),
        default=list,
        blank=True,
        help_text=_("The chain groups whose projects the region's users read."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name
