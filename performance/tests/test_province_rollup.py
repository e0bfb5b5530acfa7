"""Cities as tenants in the figures: each city counts its own rows only, and a province's
figures are its cities' own figures summed (the roll-up), whatever the province may read
as rows; a province ranks its cities (on its own targets), a regional group nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tenancy import acting_for
from performance.counting import Measure, Unit, actuals, headline, units
from performance.models import RankingSettings, Target
from performance.periods import PeriodKind, period_of
from performance.rankings import ranking, settings_at
from projects.choices import IndustryChainGroup, Stage
from projects.models import IndustryChain, Project, ProjectUpdate
from projects.services import save_project
from regions.choices import DivisionLevel, TenantKind
from regions.models import Division, Region, Tenant
from tracker.choices import OfficialReach
from tracker.models import Department, Official
from tracker.services import add_official

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = (D(2023, 1, 1), D(2023, 12, 31))
MARCH = (D(2023, 3, 1), D(2023, 3, 31))
FIGURES = ("signed", "started", "producing", "funds_in_place", "jjj_started", "under_review")


def moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def division(code, name, level, parent=None):
    return Division.objects.create(code=code, name=name, level=level, parent=parent)


@pytest.fixture
def hebei(db, dezhou, lingcheng):
    """Hebei (a province tenant) with Langfang and Cangzhou, each with a county and its
    commerce bureau; Hebei's own department; Dezhou (the home city) stays outside."""
    Tenant.objects.filter(code="371400").update(name="德州市")
    province = division("130000", "河北省", DivisionLevel.PROVINCE)
    langfang = division("131000", "廊坊市", DivisionLevel.PREFECTURE_CITY, province)
    cangzhou = division("130900", "沧州市", DivisionLevel.PREFECTURE_CITY, province)
    hebei = Tenant.objects.create(code="130000", name="河北省", kind=TenantKind.PROVINCE)
    world = {
        "tenant": hebei,
        "department": Department.objects.create(
            tenant=hebei, name="河北省商务厅", short_name="省商务厅", division=province
        ),
        "beijing": division("110000", "北京市", DivisionLevel.PROVINCE),
    }
    for code, name, city, county in (
        ("131000", "廊坊市", langfang, ("131022", "固安县")),
        ("130900", "沧州市", cangzhou, ("130922", "青县")),
    ):
        tenant = Tenant.objects.create(code=code, name=name, parent=hebei)
        world[code] = {
            "tenant": tenant,
            "division": city,
            "county": division(*county, DivisionLevel.COUNTY, city),
            "department": Department.objects.create(
                tenant=tenant, name=f"{name}商务局", short_name="市商务局", division=city
            ),
        }
    return world


@pytest.fixture
def make(hebei, department, lingcheng):
    """make(city code, **fields): a project of that city (Dezhou: 371400), saved by the
    service on 2 January 2023 (its history starts then)."""
    made = []

    def make(city, **fields):
        place = (
            {"host_division": lingcheng, "responsible_department": department}
            if city == "371400"
            else {
                "host_division": hebei[city]["county"],
                "responsible_department": hebei[city]["department"],
            }
        )
        values = {
            "code": f"P-{len(made) + 1:03d}",
            "name": f"项目{len(made) + 1}",
            "investor": "北京某科技有限公司",
            "origin": hebei["beijing"],
            "year": 2023,
            "total_investment": Decimal("20000"),
            **place,
            **fields,
        }
        project = Project(tenant_id=city, **values)
        project._history_date = moment(D(2023, 1, 2))
        with acting_for(city):
            made.append(save_project(project))
        return project

    return make


@pytest.fixture
def ledgers(make):
    """Langfang: two signed in March (one dropped since), one started with funds and a lead;
    Cangzhou: one signed in March and one in operation; Dezhou: two signed, one started."""
    signed = {"stage": Stage.SIGNED, "signed_on": D(2023, 3, 10)}
    make("131000", **signed)
    make("131000", stage=Stage.DROPPED, signed_on=D(2023, 3, 12))  # signed, then dropped
    started = make(
        "131000",
        stage=Stage.UNDER_CONSTRUCTION,
        signed_on=D(2023, 2, 1),
        started_on=D(2023, 3, 20),
        total_investment=Decimal("30000"),
    )
    ProjectUpdate.objects.create(
        project=started, reported_on=D(2023, 3, 21), stage=started.stage, funds_in_place=500
    )
    make("131000", stage=Stage.LEAD)
    make("130900", **signed)
    make(
        "130900",
        stage=Stage.IN_OPERATION,
        signed_on=D(2022, 5, 1),
        started_on=D(2022, 8, 1),
        produced_on=D(2023, 6, 1),
    )
    make("371400", **signed)
    make("371400", **signed)
    make(
        "371400", stage=Stage.UNDER_CONSTRUCTION, signed_on=D(2023, 1, 5), started_on=D(2023, 4, 1)
    )


def values(figures):
    return {name: getattr(figures, name) for name in FIGURES}


@pytest.mark.parametrize("span", [YEAR, MARCH, (D(2023, 6, 1), D(2023, 6, 30))])
def test_the_province_figures_are_the_sum_of_its_cities_own(ledgers, span):
    langfang, cangzhou = headline(*span, "131000"), headline(*span, "130900")
    province = headline(*span, "130000")
    assert values(province) == {
        name: getattr(langfang, name) + getattr(cangzhou, name) for name in FIGURES
    }
    # Dezhou is another province's city: nothing of it enters Hebei's roll-up.
    assert values(headline(*span, "371400")) != values(province)


def test_each_city_counts_its_own_projects_only(ledgers):
    langfang = headline(*YEAR, "131000")
    # The dropped project signed in March still counts for its city (counting rule 1).
    assert (langfang.signed, langfang.started, langfang.producing) == (3, 1, 0)
    assert langfang.funds_in_place == Decimal("500.00")
    assert (headline(*YEAR, "130900").signed, headline(*YEAR, "130900").producing) == (1, 1)
    dezhou = headline(*YEAR, "371400")
    assert (dezhou.signed, dezhou.started, dezhou.funds_in_place) == (3, 1, Decimal("0.00"))
    assert headline(*YEAR).signed == dezhou.signed  # by default: the home city's


def test_the_acting_city_is_the_default(ledgers):
    with acting_for("131000"):
        assert headline(*YEAR).signed == 3
        assert [ref.name for ref in units(Unit.COUNTY, 2023)] == ["固安县"]
    assert [ref.name for ref in units(Unit.COUNTY, 2023)] == ["陵城区"]


def test_a_citys_departments_are_its_own(ledgers, department, hebei):
    assert [ref.name for ref in units(Unit.DEPARTMENT, 2023, "371400")] == [department.name]
    assert [ref.name for ref in units(Unit.DEPARTMENT, 2023, "131000")] == ["廊坊市商务局"]


def test_the_provinces_cities_as_units_carry_their_own_figures(ledgers, hebei):
    refs = units(Unit.CITY, 2023, "130000")
    assert [(ref.name, ref.code) for ref in refs] == [("沧州市", "130900"), ("廊坊市", "131000")]
    assert refs[1].id == hebei["131000"]["division"].pk
    by_city = actuals(Unit.CITY, *YEAR, "130000")
    for ref in refs:
        own = headline(*YEAR, ref.code)
        assert by_city[ref.id][Measure.SIGNED] == own.signed
        assert by_city[ref.id][Measure.FUNDS] == own.funds_in_place
    assert units(Unit.CITY, 2023, "371400") == []  # a city has no cities


def test_a_province_ranks_its_cities_against_its_own_targets(ledgers, hebei):
    Target.objects.create(
        tenant=hebei["tenant"], year=2023, division=hebei["131000"]["division"], signed_projects=6
    )
    Target.objects.create(
        tenant=hebei["tenant"], year=2023, division=hebei["130900"]["division"], signed_projects=1
    )
    # Langfang's own target for its county is not the province's for the city.
    Target.objects.create(
        tenant=hebei["131000"]["tenant"],
        year=2023,
        division=hebei["131000"]["county"],
        signed_projects=100,
    )
    result = ranking(period_of(PeriodKind.YEAR, D(2023, 12, 31)), Unit.CITY, "130000")
    rows = {row.unit.name: row for row in result.rows}
    assert rows["廊坊市"].rate["signed"] == Decimal("0.5000")
    assert rows["沧州市"].rate["signed"] == Decimal("1.0000")
    assert [row.unit.name for row in result.rows] == ["沧州市", "廊坊市"]
    assert rows["廊坊市"].on_time_rate is None  # cities are scored on targets, like counties


def test_each_office_ranks_with_its_own_settings(hebei):
    province = RankingSettings.current("130000")
    province.weight_signed = 77
    province.save()
    assert settings_at(D(2100, 1, 1), "130000").weight_signed == 77
    assert settings_at(D(2100, 1, 1), "371400").weight_signed == 20
    assert RankingSettings.current("371400").weight_signed == 20


# --- who reads which ranking -------------------------------------------------------------


def login(username, tenant, reach=OfficialReach.CITY, department=None, region=None):
    official = Official(
        tenant=tenant,
        reach=reach,
        region=region,
        department=department,
        is_supervisor=department is None,
    )
    return add_official(official, username=username, password="secret-password").user


@pytest.fixture
def province_user(hebei):
    return login("hebei", hebei["tenant"], OfficialReach.PROVINCE, hebei["department"])


@pytest.fixture
def region_user(hebei):
    region = Region.objects.create(name="京津冀专题组", chain_groups=["hebei_six_chains"])
    region.cities.set(["131000", "371400"])
    return login(
        "group",
        hebei["131000"]["tenant"],
        OfficialReach.REGION,
        hebei["131000"]["department"],
        region,
    )


URL = "/api/v1/rankings/"


def test_a_province_user_ranks_the_cities_by_default(api_client_for, province_user, ledgers):
    body = api_client_for(province_user).get(URL, {"period": "year", "date": "2023-12-31"}).json()
    assert body["unit"] == "city"
    assert {row["name"]: row["year_to_date"]["signed"] for row in body["results"]} == {
        "廊坊市": 3,
        "沧州市": 1,
    }
    departments = api_client_for(province_user).get(URL, {"unit": "department"})
    assert departments.status_code == 200
    assert api_client_for(province_user).get(URL, {"unit": "county"}).status_code == 403


def test_only_a_province_user_may_ask_for_cities(api_client_for, official_user, ledgers):
    response = api_client_for(official_user).get(URL, {"unit": "city"})
    assert response.status_code == 403 and "county" in response.json()["detail"]
    body = api_client_for(official_user).get(URL, {"period": "year", "date": "2023-12-31"}).json()
    assert body["unit"] == "county" and [row["name"] for row in body["results"]] == ["陵城区"]
    assert body["results"][0]["year_to_date"]["signed"] == 3  # Dezhou's own, not Langfang's


def test_a_regional_group_has_no_rankings(api_client_for, client, region_user):
    response = api_client_for(region_user).get(URL)
    assert response.status_code == 403 and "区域专题工作组不参与排名" in response.json()["detail"]
    client.force_login(region_user)
    assert client.get(reverse("admin:performance_rankingsettings_rankings")).status_code == 403


def test_a_langfang_official_reads_langfang_only(api_client_for, hebei, ledgers):
    user = login("lf", hebei["131000"]["tenant"], department=hebei["131000"]["department"])
    body = api_client_for(user).get(URL, {"period": "year", "date": "2023-12-31"}).json()
    assert [(row["name"], row["year_to_date"]["signed"]) for row in body["results"]] == [
        ("固安县", 3)
    ]
    departments = api_client_for(user).get(URL, {"unit": "department", "date": "2023-12-31"})
    assert [row["name"] for row in departments.json()["results"]] == ["廊坊市商务局"]


def test_the_admin_page_ranks_the_cities_for_a_province_user(client, province_user, ledgers):
    client.force_login(province_user)
    page = client.get(
        reverse("admin:performance_rankingsettings_rankings"),
        {"period": "year", "date": "2023-12-31", "unit": "city"},
    )
    assert page.status_code == 200
    assert {row["name"] for row in page.context["rows"]} == {"沧州市", "廊坊市"}
    assert page.context["is_cities"] and "陵城区" not in page.content.decode()
    county = client.get(
        reverse("admin:performance_rankingsettings_rankings"),
        {"period": "year", "date": "2023-12-31", "unit": "county"},
    )
    assert county.context["result"] is None  # not a choice for a province


def test_the_settings_list_leads_to_the_users_own_row(client, province_user, supervisor_user):
    client.force_login(province_user)
    listing = client.get(reverse("admin:performance_rankingsettings_changelist"))
    own = RankingSettings.objects.get(tenant_id="130000")
    assert listing["Location"] == reverse("admin:performance_rankingsettings_change", args=[own.pk])
    home = RankingSettings.current("371400")
    change = reverse("admin:performance_rankingsettings_change", args=[home.pk])
    assert client.get(change).status_code == 302  # another office's row: "does not exist"


def test_a_chain_group_does_not_matter_to_the_figures(ledgers, hebei):
    chain = IndustryChain.objects.create(name="生物医药", group=IndustryChainGroup.HEBEI_SIX_CHAINS)
    Project.objects.filter(tenant_id="131000").update(industry_chain=chain)
    assert headline(*YEAR, "131000").signed == 3
