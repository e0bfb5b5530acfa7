"""Who receives what: a department's officials and address, and the supervisors.

The recipients are tracker's org chart, so this is where notifications reads tracker's
models, and the only place: tracker in turn imports notifications only to implement
the deadline-source contract (``tracker.deadline_source``).
"""

from tracker.models import Department, Official


def department_addresses(department, *, digest=False):
    """The department's own address and its officials' (for digests, those who opted in)."""
    officials = Official.objects.filter(
        department=department, is_supervisor=False, user__is_active=True
    ).exclude(user__email="")
    if digest:
        officials = officials.filter(receives_digest=True)
    addresses = [department.email] if department.email else []
    addresses += officials.values_list("user__email", flat=True)
    return sorted(set(addresses))


def supervisor_addresses(*, digest=False):
    supervisors = Official.objects.filter(is_supervisor=True, user__is_active=True).exclude(
        user__email=""
    )
    if digest:
        supervisors = supervisors.filter(receives_digest=True)
    return sorted(set(supervisors.values_list("user__email", flat=True)))


def departments_by_id(ids):
    return Department.objects.in_bulk(ids)


def departments():
    """Every department, by name: each may get a digest."""
    return Department.objects.order_by("name")
