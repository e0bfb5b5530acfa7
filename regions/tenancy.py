"""The tenant column of city-owned records, and which tenant a new record gets."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router
from django.utils.translation import gettext_lazy as _

from core.ownership import follow
from core.tenancy import acting_tenant_id


def default_tenant_id():
    """The tenant of a record made without one: the acting tenant (the signed-in user's
    city, or the city a task or command is working for), else the deployment's home city
    (``TRACKER_CITY_CODE``, whose tenant the migration makes). No query: unsaved
    instances (a form's blank object, a settings row's defaults) are made everywhere.
    """
    acting = acting_tenant_id()
    return acting if acting is not None else settings.TRACKER_CITY_CODE


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
        # Django's loop, but a unique constraint of the tenant and one field reports
        # under that field (as the field's unique=True did), not as a non-field error.
        exclude = self._with_tenant(exclude)
        errors = {}
        using = router.db_for_write(type(self), instance=self)
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    fields = [f for f in getattr(constraint, "fields", ()) if f != "tenant"]
                    if isinstance(constraint, models.UniqueConstraint) and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        for field, message in self.tenant_link_errors(exclude or ()).items():
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def tenant_link_errors(self, exclude=()):
        """A record links only to its own city's records (a Dezhou project never to a
        Langfang department): checked on every full_clean, so forms, imports, the API and
        services all refuse, field by field. Province records may link to their cities'."""
        errors = {}
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name in exclude or field.name == "tenant":
                continue
            path = getattr(field.related_model, "tenant_path", None)
            if path is None or getattr(self, field.attname) is None:
                continue
            linked = follow(getattr(self, field.name), path)
            if linked != self.tenant_id and not self._province_of(linked):
                errors[field.name] = _("This record belongs to another city.")
        return errors

    def _province_of(self, tenant_id):
        from .tenants import Tenant

        return Tenant.objects.filter(code=tenant_id, parent_id=self.tenant_id).exists()
