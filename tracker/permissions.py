"""Who may change what: the one rule, consulted by the admin and the API alike.

Supervisors (the leading group office) change everything. An official changes only
what belongs to their own department, and reads the rest. What belongs to a
department is named on each model by ``owner_department_path`` (for example
``"lead_department"`` on a key task, ``"task__lead_department"`` on its updates).
Models without it are reference data that only supervisors change.
"""

from .models import Official


def official_of(user):
    if not user.is_authenticated:
        return None
    try:
        return user.official
    except Official.DoesNotExist:
        return None


def is_supervisor(user):
    if not (user.is_authenticated and user.is_active):
        return False
    official = official_of(user)
    return user.is_superuser or bool(official and official.is_supervisor)


def department_id_of(user):
    official = official_of(user)
    return official.department_id if official else None


def owner_department_id(obj):
    """The id of the department an object belongs to, or None if it belongs to none."""
    path = getattr(obj, "owner_department_path", None)
    if path is None:
        return None
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id")


def can_change(user, obj):
    """May ``user`` change (or add a report to) ``obj``?"""
    if is_supervisor(user):
        return True
    department_id = department_id_of(user)
    if department_id is None or getattr(obj, "owner_department_path", None) is None:
        return False
    return owner_department_id(obj) == department_id


def can_assign(user, department):
    """May ``user`` make ``department`` the owner of something (new or changed)?"""
    if is_supervisor(user):
        return True
    return department is not None and department.pk == department_id_of(user)


def changeable(user, queryset):
    """The part of ``queryset`` that ``user`` may change."""
    if is_supervisor(user):
        return queryset
    department_id = department_id_of(user)
    path = getattr(queryset.model, "owner_department_path", None)
    if department_id is None or path is None:
        return queryset.none()
    return queryset.filter(**{path: department_id})
