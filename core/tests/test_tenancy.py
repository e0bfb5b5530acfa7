"""The tenant rule on the data path: who reads, links and changes which city's rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.ownership import can_assign, can_change, owns
from core.tenancy import acting_for, reach_of
from projects.choices import Stage
from projects.models import IndustryChain, Project, ProjectUpdate
from regions.models import Region, Tenant
from tracker.choices import OfficialReach
from tracker.models import Department, Official

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities(dezhou):
    hebei = Tenant.objects.create(code="130000", name="河北省", kind="province")
    langfang = Tenant.objects.create(code="131000", name="廊坊市", parent=hebei)
    cangzhou = Tenant.objects.create(code="130900", name="沧州市", parent=hebei)
    return {"dz": Tenant.objects.get(code="371400"), "lf": langfang, "cz": cangzhou, "hb": hebei}


def department_of(tenant, name, dezhou):
    with acting_for(tenant.code):
        return Department.objects.create(name=name, short_name=name, division=dezhou)


def project_in(tenant, department, code, stage, chain=None):
    with acting_for(tenant.code):
        return Project.objects.create(
            code=code,
            name=f"{tenant.name}{code}",
            host_division=department.division,
            responsible_department=department,
            year=2024,
            stage=stage,
            industry_chain=chain,
            total_investment=Decimal("1000"),
            signed_on=datetime.date(2024, 3, 1) if stage != Stage.LEAD else None,
        )


def user_of(django_user_model, tenant, username, department=None, **profile):
    user = django_user_model.objects.create_user(username, password="x")
    with acting_for(tenant.code):
        Official.objects.create(user=user, department=department, **profile)
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def world(cities, dezhou, django_user_model):
    chain = IndustryChain.objects.create(group="hebei_six_chains", name="生物医药")
    dz_dept = department_of(cities["dz"], "市商务局", dezhou)
    lf_dept = department_of(cities["lf"], "市商务局", dezhou)
    cz_dept = department_of(cities["cz"], "市商务局", dezhou)
    rows = {
        "dz_lead": project_in(cities["dz"], dz_dept, "XM-1", Stage.LEAD),
        "lf_lead": project_in(cities["lf"], lf_dept, "XM-1", Stage.LEAD),
        "lf_signed": project_in(cities["lf"], lf_dept, "XM-2", Stage.SIGNED),
        "lf_chain": project_in(cities["lf"], lf_dept, "XM-3", Stage.SIGNED, chain),
        "cz_signed": project_in(cities["cz"], cz_dept, "XM-1", Stage.SIGNED),
    }
    region = Region.objects.create(name="工作组", chain_groups=["hebei_six_chains"])
    region.cities.set([cities["lf"], cities["dz"]])
    users = {
        "dz_official": user_of(django_user_model, cities["dz"], "dz-o", dz_dept),
        "lf_official": user_of(django_user_model, cities["lf"], "lf-o", lf_dept),
        "lf_office": user_of(django_user_model, cities["lf"], "lf-s", is_supervisor=True),
        "province": user_of(
            django_user_model, cities["hb"], "hb", is_supervisor=True, reach=OfficialReach.PROVINCE
        ),
        "region": user_of(
            django_user_model,
            cities["lf"],
            "jjj",
            is_supervisor=True,
            reach=OfficialReach.REGION,
            region=region,
        ),
    }
    return {"rows": rows, "users": users, "depts": (dz_dept, lf_dept, cz_dept), **cities}


def codes(queryset):
    return {(p.tenant_id, p.code) for p in queryset}


def test_a_city_reads_only_its_own_rows(world):
    seen = codes(Project.objects.visible_to(world["users"]["lf_official"]))
    assert seen == {("131000", "XM-1"), ("131000", "XM-2"), ("131000", "XM-3")}
    assert codes(Project.objects.visible_to(world["users"]["dz_official"])) == {("371400", "XM-1")}


def test_a_province_reads_its_cities_shared_stages_never_their_leads(world):
    seen = codes(Project.objects.visible_to(world["users"]["province"]))
    assert seen == {("131000", "XM-2"), ("131000", "XM-3"), ("130900", "XM-1")}
    # ...but its statistics cover the cities wholly, leads included.
    assert codes(Project.objects.for_aggregates(world["users"]["province"])) == seen | {
        ("131000", "XM-1")
    }


def test_a_region_reads_the_chain_projects_of_its_cities(world):
    seen = codes(Project.objects.visible_to(world["users"]["region"]))
    # its own city's (Langfang's) rows wholly, and of the region's cities the chain's.
    assert ("131000", "XM-3") in seen and ("130900", "XM-1") not in seen
    assert ("371400", "XM-1") not in seen  # Dezhou's lead is no chain project at a shared stage


def test_children_follow_their_parent_city(world):
    lf_signed = world["rows"]["lf_signed"]
    ProjectUpdate.objects.create(
        project=lf_signed,
        reported_on=datetime.date(2024, 4, 1),
        stage=Stage.SIGNED,
        funds_in_place=Decimal("0"),
    )
    assert not ProjectUpdate.objects.visible_to(world["users"]["dz_official"]).exists()
    assert ProjectUpdate.objects.visible_to(world["users"]["province"]).count() == 1


def test_nobody_changes_another_citys_rows(world):
    office = world["users"]["lf_office"]
    assert codes(Project.objects.changeable_by(office)) == {
        ("131000", "XM-1"),
        ("131000", "XM-2"),
        ("131000", "XM-3"),
    }
    assert not Project.objects.changeable_by(world["users"]["province"]).exists()
    dz_lead = world["rows"]["dz_lead"]
    assert not can_change(office, dz_lead) and not owns(office, dz_lead)
    dz_dept, lf_dept, _ = world["depts"]
    assert can_assign(office, lf_dept) and not can_assign(office, dz_dept)


def test_a_record_links_only_to_its_own_city(world):
    dz_dept = world["depts"][0]
    project = world["rows"]["lf_lead"]
    project.responsible_department = dz_dept
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert "responsible_department" in refused.value.message_dict


def test_uniques_are_per_city_and_reported_on_the_field(world, dezhou):
    # Three cities already have a 市商务局 and an XM-1; a second in one city is refused.
    with acting_for("131000"):
        again = Department(name="市商务局", short_name="商务", division=dezhou)
        with pytest.raises(ValidationError) as refused:
            again.full_clean()
    assert "name" in refused.value.message_dict


def test_new_records_belong_to_the_acting_city_else_the_home_city(world, dezhou):
    assert Department(name="x", short_name="x", division=dezhou).tenant_id == "371400"
    with acting_for("131000"):
        assert Department(name="y", short_name="y", division=dezhou).tenant_id == "131000"


def test_reach_follows_the_profile_without_a_stale_cache(world, django_user_model):
    user = django_user_model.objects.create_user("late", password="x")
    assert reach_of(user).own == ()
    Official.objects.create(user=user, is_supervisor=True, tenant=world["lf"])
    assert reach_of(user).own == ("131000",)


def test_anonymous_reads_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Project.objects.visible_to(AnonymousUser()).exists()
