"""Project statistics from the tally equal those from the rows, for every kind of user,
grouping and filter set, and ``X-Stats-Source`` says ``tally`` exactly where the tally
covers the question (projects.tallies)."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from config.tests.tenant_world import LANGFANG, SHIJIAZHUANG, new_department, readers, tenants
from core.tenancy import acting_for
from projects.api.stats import ProjectStatsView
from projects.models import IndustryChain, Project
from regions.models import Division, Park

pytestmark = pytest.mark.django_db

GROUPINGS = [
    "stage",
    "year",
    "city",
    "origin_province",
    "host_division",
    "park",
    "industry_chain",
    "base_function",
    "month",
]
DIMS = {"origin_province", "host_division", "park", "industry_chain", "base_function"}
DIM_FILTERS = DIMS | {"responsible_department"}
PAIRED = {"host_division", "industry_chain", "month"}


def covered(user, group_by, filters):
    """§2.3 of the plan, written out independently of projects.tallies."""
    if user == "region":
        return False
    names = set(filters) - {"year", "stage"}
    if not names:
        return True
    if len(names) > 1 or not names <= DIM_FILTERS:
        return False
    (name,) = names
    if group_by in {"stage", "year", "city"} or group_by == name:
        return True
    return name == "origin_province" and group_by in PAIRED


@pytest.fixture
def world(department, other_department, lingcheng, decheng, beijing, dezhou, make_official):
    tenants()
    with acting_for(LANGFANG):
        lf = new_department("廊坊市商务局", "商务局")
    with acting_for(SHIJIAZHUANG):
        sjz = new_department("石家庄市商务局", "商务局")
    chains = [
        IndustryChain.objects.create(name="新一代电子信息", group="hebei_six_chains"),
        IndustryChain.objects.create(name="本地特色产业", group="local"),
    ]
    park = Park.objects.create(
        name="德州经开区", kind="national_development_zone", division=decheng
    )
    lf_county = Division.objects.get(code="131082")
    origins = [None, beijing, dezhou, lf_county, Division.objects.get(code="130000")]
    places = {"371400": [lingcheng, decheng], LANGFANG: [lf_county], SHIJIAZHUANG: [lingcheng]}
    departments = {"371400": [department, other_department], LANGFANG: [lf], SHIJIAZHUANG: [sjz]}
    stages = ["lead", "signed", "under_construction", "in_operation", "signed"]
    combinations = itertools.product(places, stages, origins, (2023, 2024))
    for n, (tenant, stage, origin, year) in enumerate(combinations, start=1):
        Project.objects.create(
            tenant_id=tenant,
            code=f"G-{n}",
            name=f"项目{n}",
            origin=origin,
            host_division=places[tenant][n % len(places[tenant])],
            park=park if n % 4 == 0 else None,
            industry_chain=chains[n % 3] if n % 3 < 2 else None,
            base_function=["", "industry_transfer"][n % 2],
            responsible_department=departments[tenant][n % len(departments[tenant])],
            year=year,
            stage=stage,
            signed_on=None if stage == "lead" else datetime.date(year, 1 + n % 3, 5),
            # Quarters: sums exact in SQLite's floating point too, and ties in the order.
            total_investment=Decimal(n % 7) * Decimal("1000.25"),
            funds_in_place=Decimal(n % 5) * Decimal("0.25"),
        )
    province, region = readers(make_official)
    users = {
        "city official": make_official("grid-official", department),
        "city office": make_official("grid-office", is_supervisor=True),
        "province": province,
        "region": region,
        "superuser": get_user_model().objects.create_superuser("grid-root", password="x"),
    }
    filter_sets = [
        {},
        {"year": 2023},
        {"year": 2024, "stage": "signed"},
        {"stage": "lead"},
        {"year": 2023, "origin_province": beijing.pk},
        {"origin_province": Division.objects.get(code="130000").pk},
        {"year": 2023, "host_division": lingcheng.pk},
        {"year": 2023, "industry_chain": chains[0].pk},
        {"year": 2023, "responsible_department": department.pk},
        {"park": park.pk, "stage": "signed"},
        # Not covered: answered from the rows.
        {"origin_province": dezhou.pk},  # a city: its projects, not its province's
        {"year": 2023, "is_key": "false", "host_division": lingcheng.pk},
        {"base_function": "industry_transfer", "industry_chain": chains[1].pk},
    ]
    return users, filter_sets, dezhou


def test_the_tally_answers_as_the_rows_do(world, monkeypatch):
    users, filter_sets, city_division = world
    tally_path = ProjectStatsView.from_tally
    mismatched, wrong_source = [], []
    # The regional user's answers are always the rows' (the last test): not in the grid.
    grid = {who: user for who, user in users.items() if who != "region"}
    for (who, user), group_by, filters in itertools.product(grid.items(), GROUPINGS, filter_sets):
        client = APIClient()
        client.force_authenticate(user)
        params = {"group_by": group_by, **filters}
        monkeypatch.setattr(ProjectStatsView, "from_tally", tally_path)
        answer = client.get("/api/v1/stats/projects/", params)
        monkeypatch.setattr(ProjectStatsView, "from_tally", lambda *args: None)
        rows = client.get("/api/v1/stats/projects/", params)
        assert answer.status_code == rows.status_code == 200, answer.content
        assert rows["X-Stats-Source"] == "rows"
        if answer.json() != rows.json():
            mismatched.append((who, params))
        # An origin_province filter naming a city is never the tally's.
        expected = covered(who, group_by, filters) and filters.get("origin_province") != (
            city_division.pk
        )
        if (answer["X-Stats-Source"] == "tally") != expected:
            wrong_source.append((who, params, answer["X-Stats-Source"]))
    assert mismatched == []
    assert wrong_source == []


def test_a_province_reads_its_cities_whole_only_in_coarse_questions(world):
    users, _filter_sets, _division = world
    client = APIClient()
    client.force_authenticate(users["province"])
    coarse = client.get("/api/v1/stats/projects/", {"group_by": "stage"}).json()
    fine = client.get("/api/v1/stats/projects/", {"group_by": "park"}).json()
    # 2 cities × 5 stages × 5 origins × 2 years; leads counted only in the coarse answer.
    assert coarse["total"]["projects"] == 100
    assert fine["total"]["projects"] == 80


def test_a_regional_user_is_answered_from_the_rows(world):
    users, _filter_sets, _division = world
    client = APIClient()
    client.force_authenticate(users["region"])
    answer = client.get("/api/v1/stats/projects/", {"group_by": "stage"})
    assert answer["X-Stats-Source"] == "rows"
    # Its cities' chain projects of the Hebei six chains at shared stages.
    assert answer.json()["total"]["projects"] > 0


def test_list_counts_and_years_from_the_tally_equal_the_rows(world):
    from django.http import QueryDict

    from projects.api.filters import ProjectFilter
    from projects.tallies import tally_count, tally_years

    users, filter_sets, _division = world
    counted = 0
    for (who, user), filters in itertools.product(users.items(), filter_sets):
        params = QueryDict(mutable=True)
        params.update({"page": "2", **filters})
        visible = Project.objects.visible_to(user)
        rows = ProjectFilter(params, queryset=visible).qs.count()
        count = tally_count(user, params)
        if count is not None:
            counted += 1
            assert count == rows, (who, filters)
        years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
        assert tally_years(user) in (None, years)
    assert counted >= 30
    search = QueryDict("search=项目")
    assert tally_count(users["superuser"], search) is None
    assert tally_years(users["region"]) is None
    assert tally_years(users["province"]) == [2024, 2023]


def test_every_statistic_says_where_its_answer_comes_from(world):
    users, _filter_sets, _division = world
    client = APIClient()
    client.force_authenticate(users["city office"])
    for url, group_by in [
        ("/api/v1/stats/tasks/", "department"),
        ("/api/v1/stats/blockers/", "kind"),
        ("/api/v1/stats/projects/", "stage"),
    ]:
        answer = client.get(url, {"group_by": group_by})
        assert answer.status_code == 200, (url, answer.content)
        assert answer["X-Stats-Source"] == ("rows" if "blockers" in url else "tally")


def test_the_largest_id_matches_nothing(world):
    users, _filter_sets, _division = world
    client = APIClient()
    client.force_authenticate(users["superuser"])
    for name in ("origin_province", "host_division"):
        params = {"group_by": "stage", name: str(2**63 - 1)}  # beyond: refused (400)
        answer = client.get("/api/v1/stats/projects/", params)
        assert answer.status_code == 200, answer.content
        assert answer.json()["total"]["projects"] == 0
