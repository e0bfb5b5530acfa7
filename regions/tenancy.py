"""The tenant column of city-owned records, and which tenant a new record gets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import acting_tenant_id

from .choices import TenantKind


def default_tenant_id():
    """The tenant of a record made without one: the acting tenant (the signed-in user's
    city, or the city a task or command is working for); else the only city; else the
    deployment's home city (``TRACKER_CITY_CODE``), the one a one-city install always has.
    """
    from .tenants import Tenant

    acting = acting_tenant_id()
    if acting is not None:
        return acting
    codes = list(Tenant.objects.filter(kind=TenantKind.CITY).values_list("code", flat=True)[:2])
    if len(codes) == 1:
        return codes[0]
    home = settings.TRACKER_CITY_CODE
    return home if Tenant.objects.filter(code=home).exists() else None


def tenant_field(**options):
    """The ``tenant`` column: never chosen in a form (a record is its maker's city's)."""
    return models.ForeignKey(
        "regions.Tenant",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        default=default_tenant_id,
        related_name="+",
        editable=False,
        **options,
    )


class TenantOwned(models.Model):
    """A root record of a city (or province): it carries its tenant.

    Uniqueness is per tenant (two cities both have a 市商务局 and an XM-2024-001), and the
    tenant is never a form field, so the per-tenant constraints are validated with the
    tenant the record already has, instead of being skipped as Django skips constraints
    over fields a form leaves out.
    """

    tenant = tenant_field()

    tenant_path = "tenant"

    class Meta:
        abstract = True

    def _with_tenant(self, exclude):
        if exclude and "tenant" in exclude and self.tenant_id is not None:
            exclude = set(exclude) - {"tenant"}
        return exclude

    def validate_unique(self, exclude=None):
        super().validate_unique(self._with_tenant(exclude))

    def validate_constraints(self, exclude=None):
        super().validate_constraints(self._with_tenant(exclude))
