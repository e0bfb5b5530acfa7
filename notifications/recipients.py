"""Who receives what: a department's officials and address, the supervisors, and who each
rung of the escalation ladder reaches.

The recipients are tracker's org chart, so this is where notifications reads tracker's
models, and the only place: tracker in turn imports notifications only to implement
the deadline-source contract (``tracker.deadline_source``).

Everything here is one city's (tenant's): its departments, its supervising office, its
city leaders. ``tenant=None`` means the city a run acts for (``core.tenancy.acting_for``),
else the home city (``TRACKER_CITY_CODE``), never every city.
"""

from collections import defaultdict

from core.tenancy import acting_tenant_id
from regions.models import Tenant
from regions.tenancy import default_tenant_id
from tracker.choices import Audience, OfficialRole
from tracker.models import CityLeader, Department, Official


def city_codes():
    """The city tenants, each of which gets its own emails (a province tenant gets none:
    its users read the cities' records, and nothing of theirs is chased by email yet)."""
    return list(Tenant.objects.cities().order_by("code").values_list("code", flat=True))


def tenant_or_acting(tenant):
    return tenant or default_tenant_id()


def department_ids(tenant=None):
    """The ids of the city's departments."""
    rows = Department.objects.for_tenants([tenant_or_acting(tenant)])
    return set(rows.values_list("pk", flat=True))


def department_addresses(department, *, digest=False):
    """The department's own address and its officials' (for digests, those who opted in)."""
    officials = (
        Official.objects.for_tenants([department.tenant_id])
        .filter(department=department, is_supervisor=False, user__is_active=True)
        .exclude(user__email="")
    )
    if digest:
        officials = officials.filter(receives_digest=True)
    addresses = [department.email] if department.email else []
    addresses += officials.values_list("user__email", flat=True)
    return sorted(set(addresses))


def supervisor_addresses(tenant=None, *, digest=False):
    """The city's supervising office (its supervisors' addresses)."""
    supervisors = (
        Official.objects.for_tenants([tenant_or_acting(tenant)])
        .filter(is_supervisor=True, user__is_active=True)
        .exclude(user__email="")
    )
    if digest:
        supervisors = supervisors.filter(receives_digest=True)
    return sorted(set(supervisors.values_list("user__email", flat=True)))


def departments_by_id(ids, tenant=None):
    """The departments among ``ids``, by id: of ``tenant``, else of the city acted for,
    else (a superuser's request) whichever city they are of."""
    tenant = tenant or acting_tenant_id()
    rows = Department.objects.all() if tenant is None else Department.objects.for_tenants([tenant])
    return rows.in_bulk(ids)


def department_of(department_id):
    """One department, whichever its city (a step tells the department's own city's
    people: the caller found the department through the tenant rule)."""
    return Department.objects.filter(pk=department_id).first()


def departments(tenant=None):
    """The city's departments, by name: each may get a digest."""
    return Department.objects.for_tenants([tenant_or_acting(tenant)]).order_by("name")


# The role each department audience of the ladder reaches.
ROLE_OF_AUDIENCE = {
    Audience.HANDLERS: OfficialRole.HANDLER,
    Audience.SECTION_CHIEFS: OfficialRole.SECTION_CHIEF,
    Audience.HEADS: OfficialRole.HEAD,
}


class Roster:
    """Who each rung's audience is, read once per run (four queries, whatever the number
    of items): the officials by department and role, the departments' own addresses, the
    supervisors and the city leaders by department overseen, all of one city.

    - handlers: the department's address and its handlers;
    - section chiefs, heads: the officials with that role; a department with nobody
      reachable in that role falls back to its address and its handlers, so that the
      rung is not lost;
    - leadership: the supervisors and the active city leaders who oversee the department
      (their own address, else their login's).
    """

    def __init__(self, tenant=None):
        tenant = tenant_or_acting(tenant)
        self.by_role = defaultdict(set)  # (department id, role) -> addresses
        officials = (
            Official.objects.for_tenants([tenant])
            .filter(is_supervisor=False, user__is_active=True, department__isnull=False)
            .exclude(user__email="")
            .values_list("department_id", "role", "user__email")
        )
        for department_id, role, address in officials:
            self.by_role[(department_id, role)].add(address)
        self.department_email = dict(
            Department.objects.for_tenants([tenant]).exclude(email="").values_list("pk", "email")
        )
        self.supervisors = supervisor_addresses(tenant)
        self.leaders = defaultdict(set)  # department id -> city leaders' addresses
        leaders = CityLeader.objects.for_tenants([tenant]).filter(is_active=True)
        leaders = leaders.select_related("user")
        for leader in leaders.prefetch_related("departments"):
            address = leader.email or (
                leader.user.email if leader.user and leader.user.is_active else ""
            )
            for department in leader.departments.all() if address else ():
                self.leaders[department.pk].add(address)

    def handlers(self, department_id):
        own = (
            {self.department_email[department_id]}
            if department_id in self.department_email
            else set()
        )
        return own | self.by_role[(department_id, OfficialRole.HANDLER)]

    def audience(self, department_id, audience):
        """The sorted addresses an item of the department reaches at a rung for ``audience``."""
        if audience == Audience.LEADERSHIP:
            return sorted(set(self.supervisors) | self.leaders[department_id])
        if audience == Audience.HANDLERS:
            return sorted(self.handlers(department_id))
        role = self.by_role[(department_id, ROLE_OF_AUDIENCE[audience])]
        return sorted(role or self.handlers(department_id))

    def city_leaders(self, department_id):
        return self.leaders[department_id]
