"""Synthetic cities, their counties and districts, and three parks in each county; each
city is a tenant (docs/tenants.md) under its province's, as in a province-wide tracker."""

import datetime

from regions.choices import DivisionLevel, ParkKind, TenantKind
from regions.models import Division, Park, Tenant

from .markers import NAME_PREFIX
from .rows import BATCH_SIZE
from .shapes import COUNTY_PLAN, FIRST_CITY_NUMBER, PROVINCES


def create_cities(world):
    """25 cities under the real provinces, coded 13cc00 / 37cc00 with cc from 71, which
    GB/T 2260 leaves unused in Hebei (1301–1311, 1390) and Shandong (3701–3717)."""
    rows = []
    number = 0
    for province_code, province_name, city_count in PROVINCES:
        province, _ = Division.objects.get_or_create(
            code=province_code,
            defaults={"name": province_name, "level": DivisionLevel.PROVINCE},
        )
        for k in range(city_count):
            number += 1
            rows.append(
                Division(
                    code=f"{province_code[:2]}{FIRST_CITY_NUMBER + k}00",
                    name=f"合成市{number:02d}",
                    name_en=f"Load City {number:02d}",
                    level=DivisionLevel.PREFECTURE_CITY,
                    parent=province,
                )
            )
    Division.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    world.cities = list(
        Division.objects.filter(name__startswith=NAME_PREFIX, parent__isnull=False)
        .exclude(parent__name__startswith=NAME_PREFIX)
        .select_related("parent")
        .order_by("name")
    )
    world.counts["divisions"] = len(rows)
    create_tenants(world)


def create_tenants(world):
    """A tenant per synthetic city (its division's code), under its province's tenant:
    every city-owned row the generator writes names its city's."""
    provinces = {}
    for province_code, province_name, _count in PROVINCES:
        provinces[province_code], _ = Tenant.objects.get_or_create(
            code=province_code, defaults={"name": province_name, "kind": TenantKind.PROVINCE}
        )
    codes = {city.pk: city.code for city in world.cities}
    Tenant.objects.bulk_create(
        [
            Tenant(
                code=city.code,
                name=city.name,
                kind=TenantKind.CITY,
                parent=provinces[city.parent.code],
            )
            for city in world.cities
        ],
        batch_size=BATCH_SIZE,
    )
    world.tenant_of_city = codes
    world.counts["tenants"] = len(codes)


def create_counties(world):
    """Eight county-level divisions per city, coded like real ones (shapes.COUNTY_PLAN)."""
    rows = []
    for city in world.cities:
        label = city.name.removeprefix("合成市")
        for level, suffix, pattern in COUNTY_PLAN:
            name = pattern.format(city=label)
            rows.append(
                Division(
                    code=city.code[:4] + suffix,
                    name=name,
                    name_en=f"Load County {label}-{name.rsplit('-', 1)[1]}",
                    level=level,
                    parent=city,
                )
            )
    Division.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    world.counties = list(
        Division.objects.filter(parent__in=world.cities).select_related("parent").order_by("code")
    )
    world.counts["divisions"] += len(rows)


def create_parks(world):
    """A development zone, a high-tech park and a park co-built with Beijing or Tianjin."""
    rng = world.rng("geography")
    partners = list(
        Division.objects.filter(parent__code__in=("110000", "120000"))
        .exclude(name__startswith=NAME_PREFIX)
        .order_by("code", "name")
    )
    rows = [park for county in world.counties for park in county_parks(rng, county, partners)]
    Park.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    world.parks_by_county = {}
    for park_id, division_id in (
        Park.objects.filter(name__startswith=NAME_PREFIX)
        .order_by("name")
        .values_list("id", "division_id")
    ):
        world.parks_by_county.setdefault(division_id, []).append(park_id)
    world.counts["parks"] = len(rows)


def county_parks(rng, county, partners):
    national = county.code.endswith("01")
    zone = Park(
        name=f"{county.name}{'国家级经济技术开发区' if national else '经济开发区'}",
        kind=(
            ParkKind.NATIONAL_DEVELOPMENT_ZONE if national else ParkKind.PROVINCIAL_DEVELOPMENT_ZONE
        ),
        division=county,
        established_on=datetime.date(rng.randint(1992, 2012), rng.randint(1, 12), 1),
    )
    high_tech = Park(
        name=f"{county.name}高新技术产业园",
        kind=ParkKind.INNOVATION_PLATFORM,
        division=county,
        established_on=datetime.date(rng.randint(2005, 2020), rng.randint(1, 12), 1),
    )
    co_built = Park(
        name=f"{county.name}京津冀协同发展产业园",
        # A co-built park needs its partner (Park.clean).
        kind=ParkKind.CO_BUILT_PARK if partners else ParkKind.NEW_AREA,
        division=county,
        partner_division=rng.choice(partners) if partners else None,
        established_on=datetime.date(rng.randint(2015, 2023), rng.randint(1, 12), 1),
    )
    return [zone, high_tech, co_built]
