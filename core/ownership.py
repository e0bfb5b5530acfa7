"""Who may change what, on the data path: the one department rule, as querysets.

Supervisors (the leading group office) change everything. An official changes only what
their own department owns, and reads the rest. A model names the department that owns a
row with ``owner_department_path`` (for example ``"lead_department"`` on a key task,
``"task__lead_department"`` on its reports); a model without it is reference data that
only supervisors change.

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


class OwnedQuerySet(models.QuerySet):
    """The queryset of every model the department rule covers (owned and reference data)."""

    def changeable_by(self, user):
        """The rows ``user`` may change (or report on, delete, import over)."""
        if is_supervisor(user):
            return self
        department_id = department_id_of(user)
        path = owner_path(self.model)
        if department_id is None or path is None:
            return self.none()
        return self.filter(**{path: department_id})


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

    One query for an official, none for a supervisor, who may change everything.
    """
    if obj is None or obj.pk is None:
        return False
    if is_supervisor(user):
        return True
    return changeable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def owns(user, obj):
    """``can_change`` without a query, for a row just read (or locked) from the database."""
    if is_supervisor(user):
        return True
    path = owner_path(type(obj))
    department_id = department_id_of(user)
    if path is None or department_id is None:
        return False
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id") == department_id


def can_assign(user, department):
    """May ``user`` make ``department`` the owner of something (new or changed)?"""
    if is_supervisor(user):
        return True
    return department is not None and department.pk == department_id_of(user)


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
