"""Who may change what, on the data path: the one department rule, as querysets.

Supervisors (the leading group office) change everything of their own city (tenant). An
official changes only what their own department owns, and reads the rest of their city.
Which city a row belongs to, and what a user of another city, a province or a region may
read, is the tenant rule (``core.tenancy``); both rules meet here.

A model names the department that owns a row with ``owner_department_path`` (for
example ``"lead_department"`` on a key task, ``"task__lead_department"`` on its reports);
a model without it is reference data that only supervisors change.

Every write path (admin pages, library views, Excel import, API, services) asks
``Model.objects.changeable_by(user)``, the way NetBox's ``RestrictedQuerySet.restrict``
does, and services re-check after saving, in the same transaction, so that nobody can
take an object from another department or hand one of theirs to another department.

``core`` imports no app: a user's department is read from the ``official`` profile that
the tracker app attaches to users, by attribute name only.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from .tenancy import reach_of, read_rule, tenant_path


def official_of(user):
    if user is None or not user.is_authenticated:
        return None
    # A user without a profile raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(user, "official", None)


def is_supervisor(user):
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    official = official_of(user)
    return user.is_superuser or bool(official and official.is_supervisor)


def department_id_of(user):
    if user is None or not (user.is_authenticated and user.is_active):
        return None
    official = official_of(user)
    return official.department_id if official else None


def owner_path(model):
    return getattr(model, "owner_department_path", None)


def single_tenant(user):
    """Shared reference data is changed by a supervisor only while a deployment has one
    city (as before tenants); with several, only by the deployment's operators."""
    from django.apps import apps

    tenant = apps.get_model("regions", "Tenant")
    return tenant.objects.filter(kind="city").count() <= 1


class OwnedQuerySet(models.QuerySet):
    """The queryset of every model the department and tenant rules cover."""

    def visible_to(self, user):
        """The rows ``user`` may read (lists, details, exports, search, files)."""
        if tenant_path(self.model) is None:  # shared reference data
            return self if user is not None and user.is_authenticated else self.none()
        return self.filter(read_rule(self.model, reach_of(user)))

    def choosable_by(self, user):
        """The rows ``user`` may link a record to (a form's choices): shared reference
        data, and their own city's rows (never a province's or another city's)."""
        reach = reach_of(user)
        if tenant_path(self.model) is None or reach.everything:
            return self.visible_to(user)
        return self.for_tenants(reach.own)

    def for_tenants(self, tenant_ids):
        """The rows of these tenants, whole: for the system's per-city work and roll-ups."""
        return self.filter(**{f"{tenant_path(self.model)}__in": list(tenant_ids)})

    def for_aggregates(self, user):
        """The rows ``user``'s statistics are computed over (never listed): a province's
        roll-up covers its cities wholly, so that it equals the sum of their own figures."""
        reach = reach_of(user)
        if tenant_path(self.model) is None or reach.everything:
            return self.visible_to(user)
        if reach.cities:
            return self.for_tenants(reach.own + reach.cities)
        return self.visible_to(user)

    def changeable_by(self, user):
        """The rows ``user`` may change (or report on, delete, import over)."""
        reach = reach_of(user)
        if reach.everything:
            return self
        if tenant_path(self.model) is None:  # shared reference data
            return self if is_supervisor(user) and single_tenant(user) else self.none()
        rows = self.for_tenants(reach.own)
        if is_supervisor(user):
            return rows
        department_id = department_id_of(user)
        path = owner_path(self.model)
        if department_id is None or path is None:
            return self.none()
        return rows.filter(**{path: department_id})


OwnedManager = models.Manager.from_queryset(OwnedQuerySet)


def changeable(user, queryset):
    """The part of any queryset (ours or a library's) that ``user`` may change."""
    if hasattr(queryset, "changeable_by"):
        return queryset.changeable_by(user)
    return queryset if is_supervisor(user) else queryset.none()


def unchangeable_count(user, queryset):
    """How many rows of ``queryset`` ``user`` may not change (0: all of them are theirs)."""
    return queryset.count() - changeable(user, queryset).count()


def can_change(user, obj):
    """May ``user`` change ``obj`` as it is stored now? False for a new object.

    One query, none for a superuser, who may change everything.
    """
    if obj is None or obj.pk is None:
        return False
    if reach_of(user).everything:
        return True
    return changeable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def owns(user, obj):
    """``can_change`` without a query, for a row just read (or locked) from the database."""
    reach = reach_of(user)
    if reach.everything:
        return True
    if tenant_path(type(obj)) is None:  # shared reference data
        return is_supervisor(user) and single_tenant(user)
    if not in_own_tenant(obj, reach):
        return False
    if is_supervisor(user):
        return True
    path = owner_path(type(obj))
    department_id = department_id_of(user)
    if path is None or department_id is None:
        return False
    return follow(obj, path) == department_id


def can_assign(user, department):
    """May ``user`` make ``department`` the owner of something (new or changed)?"""
    if department is None:
        return False
    reach = reach_of(user)
    if reach.everything:
        return True
    if department.tenant_id not in reach.own:
        return False
    return is_supervisor(user) or department.pk == department_id_of(user)


def follow(obj, path):
    """The value at ``path`` (``"project__tenant"``) from ``obj``, as ``..._id`` at the end."""
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


def in_own_tenant(obj, reach):
    return follow(obj, tenant_path(type(obj))) in reach.own


def refuse(message=None):
    raise PermissionDenied(message or _("You may only change records of your own department."))


def ensure_changeable(stored, by):
    """Before a write: the row as stored (just locked) is ``by``'s (``by=None``: the system)."""
    if by is not None and not owns(by, stored):
        refuse(_("This record belongs to another department; you may read it but not change it."))


def ensure_still_changeable(obj, by):
    """After a write, in the same transaction: still ``by``'s (else the caller rolls back)."""
    if by is not None and not can_change(by, obj):
        refuse(_("You may not hand a record to another department; ask a supervisor."))
