"""The units figures are told for and ranked (counties, departments, a province's cities),
and the tenant whose units they are (performance.counting counts them).

Each tenant has its own units: a city its county-level divisions and its departments; a
province its departments and its city tenants (``Unit.CITY``). Nothing of another tenant
ever enters a tenant's units.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from regions.choices import COUNTY_LEVELS, DivisionLevel, TenantKind
from regions.models import Division, Tenant
from regions.tenancy import default_tenant_id
from tracker.models import Department, KeyTask

from .models import Target


class Unit(models.TextChoices):
    COUNTY = "county", _("County/district")
    DEPARTMENT = "department", _("Department")
    CITY = "city", _("City")  # a province's cities (performance.rankings)


@dataclass(frozen=True)
class UnitRef:
    id: int  # a county's or city's division id (a city without one: its code as a number)
    name: str
    code: str  # the division's GB/T 2260 code; "" for a department (and for 天衢新区)


def tenant_code(tenant=None):
    """The tenant whose figures are counted (a Tenant or its code): by default the acting
    tenant (the signed-in user's city, the city a task runs for), else the home city."""
    if tenant is None:
        return default_tenant_id()
    return getattr(tenant, "code", tenant)


def province_cities(code):
    """(code, name) of the city tenants of the province ``code``, by code ([] for a city)."""
    if not Tenant.objects.filter(code=code, kind=TenantKind.PROVINCE).exists():
        return []
    cities = Tenant.objects.filter(parent_id=code, kind=TenantKind.CITY).order_by("code")
    return list(cities.values_list("code", "name"))


def facts_of(code):
    """(is it a province, is its division recorded) in one query."""
    division = Division.objects.filter(code=code)
    row = Tenant.objects.filter(code=code).annotate(recorded=Exists(division))
    row = row.values_list("kind", "recorded").first()
    return (row[0] == TenantKind.PROVINCE, row[1]) if row else (False, division.exists())


# --- units -----------------------------------------------------------------------------


def units(unit, year, tenant=None):
    """The units of ``tenant`` ranked in ``year``, in a stable order.

    Counties: the city's county-level divisions, with any other division that has a
    target of the city that year. Departments: the tenant's departments that have a target
    that year or any project (now or in their history) or, for a province, a key task of
    the year, with any other of its departments that has a target. Without the city's
    division, every county-level division hosting one of its projects counts. Cities: a
    province's city tenants (none for a city).
    """
    code = tenant_code(tenant)
    if unit == Unit.CITY:
        return city_units(code)
    targeted = Target.objects.for_tenants([code]).filter(year=year)
    province, recorded = facts_of(code)
    projects = Project.objects.for_tenants([code])
    if unit == Unit.COUNTY:
        rows = Division.objects.filter(
            Q(parent__code=code, level__in=COUNTY_LEVELS) | Q(pk__in=targeted.values("division"))
        )
        if not recorded:
            rows = Division.objects.filter(
                Q(pk__in=targeted.values("division")) | Q(pk__in=projects.values("host_division"))
            )
        rows = rows.order_by("code", "name").values_list("pk", "name", "code")
        return [UnitRef(*row) for row in rows]
    if unit == Unit.DEPARTMENT:
        history = Project.history.model.objects.filter(tenant_id=code)
        carrying = Q(pk__in=projects.values("responsible_department")) | Q(
            pk__in=history.values("responsible_department")
        )
        if province:
            # A province's departments rarely carry projects: they lead its key tasks.
            tasks = KeyTask.objects.for_tenants([code]).filter(year=year)
            carrying |= Q(pk__in=tasks.values("lead_department"))
        city = Q(division__code=code) if recorded else Q()
        rows = Department.objects.for_tenants([code]).filter(
            (city & carrying) | Q(pk__in=targeted.values("department"))
        )
        rows = rows.order_by("name").values_list("pk", "name")
        return [UnitRef(pk, name, "") for pk, name in rows]
    raise ValueError(f"unknown unit: {unit!r}")


def city_units(code):
    """A province's cities as units: each by its division's id (targets name it), else by
    its code as a number (a city without a recorded division has no target)."""
    cities = province_cities(code)
    divisions = Division.objects.filter(code__in=[city for city, _name in cities])
    divisions = dict(divisions.values_list("code", "pk"))
    return [UnitRef(divisions.get(city, int(city)), name, city) for city, name in cities]


def targets_of_unit(queryset, unit):
    """Targets of one kind of unit: a province's targets name its cities' divisions, a
    city's its counties' (a division's level tells them apart)."""
    city = Q(division__level=DivisionLevel.PREFECTURE_CITY)
    if unit == Unit.COUNTY:
        return queryset.filter(division__isnull=False).exclude(city)
    if unit == Unit.CITY:
        return queryset.filter(city)
    if unit == Unit.DEPARTMENT:
        return queryset.filter(department__isnull=False)
    return queryset


def unit_of_target(target):
    if target.department_id:
        return Unit.DEPARTMENT
    return Unit.CITY if target.division.level == DivisionLevel.PREFECTURE_CITY else Unit.COUNTY
