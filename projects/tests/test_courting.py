"""The same investor courted by several cities (projects.courting): one case whatever the
spelling, none for one city twice, coordinated cases stay closed, and a city is told only
*that* another city is in contact, never which."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.tenancy import acting_for
from projects.choices import IndustryChainGroup, Stage
from projects.courting import (
    HINT,
    another_city_in_contact,
    courting_cases,
    hint_for,
    mark_coordinated,
    open_investors,
    province_scope,
    region_scope,
    scopes_of,
)
from projects.duplicates import investor_key
from projects.ledger import credit_code_check, credit_code_errors
from projects.models import CourtingCase, CourtingState, IndustryChain, Project
from regions.choices import DivisionLevel, TenantKind
from regions.models import Division, Region, Tenant
from tracker.choices import OfficialReach
from tracker.models import Department, Official
from tracker.services import add_official

pytestmark = pytest.mark.django_db

HEBEI_CITIES = (("131000", "廊坊市"), ("130900", "沧州市"), ("130100", "石家庄市"))
CODE = "91330100799655058B"  # a real code's form and check digit


@pytest.fixture
def cities(db, lingcheng, department):
    """Hebei with three cities (each a county and a bureau), and Dezhou (home, Shandong)."""
    hebei = Tenant.objects.create(code="130000", name="河北省", kind=TenantKind.PROVINCE)
    world = {"hebei": hebei, "371400": {"county": lingcheng, "department": department}}
    for code, name in HEBEI_CITIES:
        tenant = Tenant.objects.create(code=code, name=name, parent=hebei)
        city = Division.objects.create(code=code, name=name, level=DivisionLevel.PREFECTURE_CITY)
        world[code] = {
            "tenant": tenant,
            "county": Division.objects.create(
                code=code[:4] + "22", name=f"{name}某县", level=DivisionLevel.COUNTY, parent=city
            ),
            "department": Department.objects.create(
                tenant=tenant, name=f"{name}商务局", short_name="市商务局", division=city
            ),
        }
    return world


@pytest.fixture
def lead(cities):
    """lead(city, investor, **fields): an open project of that city."""
    made = []

    def make(city, investor, stage=Stage.LEAD, **fields):
        made.append(None)
        with acting_for(city):
            return Project.objects.create(
                tenant_id=city,
                code=f"C-{len(made):03d}",
                name=f"招商线索{len(made)}",
                investor=investor,
                host_division=cities[city]["county"],
                responsible_department=cities[city]["department"],
                year=2024,
                stage=stage,
                total_investment=Decimal("10000"),
                **fields,
            )

    return make


def login(username, tenant, reach=OfficialReach.CITY, region=None):
    official = Official(tenant=tenant, reach=reach, region=region, is_supervisor=True)
    return add_official(official, username=username, password="secret-password").user


@pytest.fixture
def province_user(cities):
    return login("hebei", cities["hebei"], OfficialReach.PROVINCE)


HEBEI = ("131000", "130900", "130100")


def test_spellings_of_one_investor_in_two_cities_are_one_case(lead):
    lead("131000", "北京某某科技股份有限公司")
    lead("131000", "（北京）某某科技有限公司", stage=Stage.NEGOTIATING)
    lead("130900", "北京 某某科技有限公司")
    lead("130100", "ＢＥＩＪＩＮＧ　ＸＹＺ　Ｌｔｄ．")  # full-width: another investor, one city
    [case] = open_investors(HEBEI)
    assert case.key == "北京某某科技" and case.investor == "北京某某科技股份有限公司"
    assert [(c.city, c.name, c.stages) for c in case.contacts] == [
        ("130900", "沧州市", ("lead",)),
        ("131000", "廊坊市", ("lead", "negotiating")),
    ]
    assert case.state == CourtingState.OPEN and case.since is not None


def test_full_width_and_punctuation_fold_to_one_key(lead):
    lead("131000", "ＢＥＩＪＩＮＧ　ＸＹＺ　Ｌｔｄ．")
    lead("130100", "Beijing-XYZ, Ltd")
    [case] = open_investors(HEBEI)
    assert case.key == "beijingxyzltd"


def test_the_same_city_twice_is_no_case(lead):
    lead("131000", "北京某某科技有限公司")
    lead("131000", "北京某某科技股份有限公司", stage=Stage.NEGOTIATING)
    assert open_investors(HEBEI) == []


def test_only_open_projects_court(lead):
    lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技有限公司", stage=Stage.SIGNED)
    lead("130100", "北京某某科技有限公司", stage=Stage.DROPPED)
    assert open_investors(HEBEI) == []


def test_a_credit_code_joins_two_spellings(lead):
    lead("131000", "某某集团", investor_credit_code=CODE)
    lead("130900", "某某控股集团股份有限公司", investor_credit_code=CODE)
    [case] = open_investors(HEBEI)
    assert case.credit_code == CODE and case.key == "某某集团"
    assert case.codes == {CODE} and case.keys == {"某某集团", "某某控股集团"}


def test_a_coordinated_case_stays_closed_when_a_third_city_joins(lead, province_user):
    lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技股份有限公司")
    scope = province_scope("130000")
    decision = mark_coordinated(scope, "北京某某科技", by=province_user, note="由廊坊对接")
    assert decision.state == CourtingState.COORDINATED
    assert decision.cities_at_decision == ["130900", "131000"]
    assert mark_coordinated(scope, "北京某某科技", by=province_user).pk == decision.pk
    lead("130100", "北京某某科技有限公司", stage=Stage.NEGOTIATING)
    [case] = courting_cases(scope)
    assert case.state == CourtingState.COORDINATED and case.decision == decision
    assert case.new_cities == ("130100",)
    assert CourtingCase.objects.count() == 1


def test_only_the_coordinating_office_marks_a_case(lead, province_user, supervisor_user):
    lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技有限公司")
    scope = province_scope("130000")
    with pytest.raises(PermissionDenied):
        mark_coordinated(scope, "北京某某科技", by=supervisor_user)  # Dezhou's office
    with pytest.raises(ValidationError):
        mark_coordinated(scope, "别的投资方", by=province_user)
    assert scopes_of(supervisor_user) == []
    assert [s.id for s in scopes_of(province_user)] == ["province:130000"]


# --- a regional working group: its cities' chain projects ------------------------------


@pytest.fixture
def region(cities):
    region = Region.objects.create(
        name="京津冀产业协同专题工作组", chain_groups=[IndustryChainGroup.HEBEI_SIX_CHAINS]
    )
    region.cities.set(["131000", "371400"])
    return region


@pytest.fixture
def chain(db):
    return IndustryChain.objects.create(name="生物医药", group=IndustryChainGroup.HEBEI_SIX_CHAINS)


def test_a_region_sees_its_cities_chain_projects(lead, region, chain):
    lead("131000", "国药集团", industry_chain=chain)
    lead("371400", "国药集团有限公司", industry_chain=chain)
    lead("131000", "中集集团", industry_chain=chain)
    lead("371400", "中集集团")  # no chain of the region's groups: not the region's
    [case] = courting_cases(region_scope(region))
    assert case.key == "国药集团" and [c.city for c in case.contacts] == ["131000", "371400"]
    assert courting_cases(province_scope("130000")) == []  # Dezhou is not Hebei's


def test_a_regional_user_decides_the_regions_cases(lead, region, chain, cities):
    lead("131000", "国药集团", industry_chain=chain)
    lead("371400", "国药集团", industry_chain=chain)
    user = login("jjj", cities["131000"]["tenant"], OfficialReach.REGION, region)
    [scope] = scopes_of(user)
    decision = mark_coordinated(scope, "国药集团", by=user)
    assert decision.region == region
    assert list(CourtingCase.objects.visible_to(user)) == [decision]


# --- the hint to a city's official -----------------------------------------------------


def test_a_city_is_told_that_another_city_is_in_contact(lead, cities):
    mine = lead("131000", "北京某某科技有限公司")
    assert another_city_in_contact(mine) is False
    lead("130900", "北京某某科技股份有限公司", stage=Stage.NEGOTIATING)
    assert another_city_in_contact(mine) is True
    hint = hint_for(mine)
    assert hint == str(HINT)
    for told in (hint, json.dumps(hint, ensure_ascii=False)):
        for secret in ("沧州", "130900", "1", "一"):
            assert secret not in told


def test_the_hint_respects_the_citys_choice_and_the_stages(lead, cities):
    mine = lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技有限公司")
    Tenant.objects.filter(code="131000").update(courting_hint=False)
    assert another_city_in_contact(mine) is False
    Tenant.objects.filter(code="131000").update(courting_hint=True)
    mine.stage = Stage.SIGNED
    assert another_city_in_contact(mine) is False and hint_for(mine) is None


def test_another_provinces_city_is_not_told_without_a_shared_region(lead, region, chain):
    mine = lead("131000", "国药集团", industry_chain=chain)
    theirs = lead("371400", "国药集团")
    assert another_city_in_contact(mine) is False  # Dezhou's lead is not in the chain
    theirs.industry_chain = chain
    theirs.save()
    assert another_city_in_contact(mine) is True  # the region shares the chain group
    assert another_city_in_contact(theirs) is True


def test_a_city_that_turned_the_hint_off_is_not_matched_either(lead, cities):
    mine = lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技有限公司")
    assert another_city_in_contact(mine) is True
    Tenant.objects.filter(code="130900").update(courting_hint=False)
    assert another_city_in_contact(mine) is False


def test_a_city_cannot_probe_investors_beyond_its_daily_budget(lead, cities, settings):
    # Trying names on a lead of one's own to learn whom other cities court: a few a day
    # are real leads; past the budget the answer is no, whatever the truth.
    settings.TRACKER_COURTING_HINTS_PER_DAY = 2
    day = timezone.localdate().isoformat()  # the cache outlives tests: start afresh
    cache.delete(f"courting-hints:131000:{day}")
    for name in ("预算猜测一", "预算猜测二", "预算测试集团"):
        cache.delete(f"courting-hint:131000:{day}:{investor_key(name)}:")
    lead("130900", "预算测试集团")
    mine = lead("131000", "预算猜测一")
    for guess in ("预算猜测一", "预算猜测二"):
        mine.investor = guess
        assert another_city_in_contact(mine) is False
    mine.investor = "预算测试集团"
    assert another_city_in_contact(mine) is False  # the third investor today: no answer
    mine.investor = "预算猜测一"
    assert another_city_in_contact(mine) is False  # asked before: costs nothing, still no


def test_a_credit_code_is_enough_for_the_hint(lead):
    mine = lead("131000", "某某集团", investor_credit_code=CODE)
    lead("130100", "完全不同的名字", investor_credit_code=CODE)
    assert another_city_in_contact(mine) is True


# --- the list, for those who coordinate ------------------------------------------------

URL = "/api/v1/courting-cases/"


def test_the_api_lists_the_provinces_cases(api_client_for, lead, province_user):
    lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技有限公司")
    body = api_client_for(province_user).get(URL).json()
    [case] = body
    assert case["scope"] == {"id": "province:130000", "name": "河北省"}
    assert case["investor"] == "北京某某科技有限公司" and case["state"] == "open"
    assert [city["name"] for city in case["cities"]] == ["沧州市", "廊坊市"]
    assert case["note"] == "" and case["decided_at"] is None


def test_city_users_may_not_read_the_cases(api_client_for, client, lead, cities, official_user):
    lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技有限公司")
    langfang = login("lf", cities["131000"]["tenant"])
    for user in (official_user, langfang):
        assert api_client_for(user).get(URL).status_code == 403
        client.force_login(user)
        assert client.get(reverse("admin:projects_courtingcase_changelist")).status_code == 403
        coordinate = reverse("admin:projects_courtingcase_coordinate")
        posted = client.post(coordinate, {"scope": "province:130000", "key": "北京某某科技"})
        assert posted.status_code == 403
    assert not CourtingCase.objects.exists()


def test_the_admin_page_marks_a_case_coordinated(client, lead, province_user):
    lead("131000", "北京某某科技有限公司")
    lead("130900", "北京某某科技有限公司")
    client.force_login(province_user)
    page = client.get(reverse("admin:projects_courtingcase_changelist"))
    assert page.status_code == 200 and "北京某某科技有限公司" in page.content.decode()
    response = client.post(
        reverse("admin:projects_courtingcase_coordinate"),
        {"scope": "province:130000", "key": "北京某某科技", "note": "省里协调"},
    )
    assert response.status_code == 302
    decision = CourtingCase.objects.get()
    assert (decision.note, decision.decided_by) == ("省里协调", province_user)
    forged = client.post(
        reverse("admin:projects_courtingcase_coordinate"),
        {"scope": "province:370000", "key": "北京某某科技"},
    )
    assert forged.status_code == 403


# --- the investor's credit code --------------------------------------------------------


@pytest.mark.parametrize("code", ["91330100799655058B", "914403001922038216", "9144030071526726XG"])
def test_real_credit_codes_pass_their_check(code):
    assert credit_code_check(code) == code[-1]
    assert credit_code_errors(Project(investor_credit_code=code), "investor_credit_code") == {}


def test_a_mistyped_credit_code_is_refused_by_its_check_digit():
    project = Project(investor_credit_code="91330100799655058C")
    assert set(credit_code_errors(project, "investor_credit_code")) == {"investor_credit_code"}
    # A code of the wrong form is the field's pattern's to refuse, not the check's.
    assert credit_code_errors(Project(investor_credit_code="123"), "investor_credit_code") == {}


# --- two cities' projects are never one another's duplicates ---------------------------


def test_two_cities_projects_are_not_possible_duplicates(lead, cities, supervisor_user):
    from projects.duplicates import dismiss_duplicate, find_duplicates

    dezhou = lead("371400", "北京某某科技有限公司")
    langfang = lead("131000", "北京某某科技有限公司")
    Project.objects.filter(pk=langfang.pk).update(name=dezhou.name)
    assert find_duplicates(tenant="371400").pairs == []
    assert find_duplicates(tenant="131000").pairs == []
    twin = lead("371400", "北京某某科技股份有限公司")
    Project.objects.filter(pk=twin.pk).update(name=dezhou.name, year=2023)
    [pair] = find_duplicates(tenant="371400").pairs
    assert {pair.first, pair.second} == {dezhou.pk, twin.pk}
    with pytest.raises(ValidationError):  # another city's project: "no longer exists"
        dismiss_duplicate(dezhou, langfang, by=supervisor_user)
