"""Cooperation statistics with hand-made data: every grouping, the sums, the filters, the
total of items counted once, bounded queries; and the bulletin's figures per kind."""

import datetime
from decimal import Decimal

import pytest

from cooperation.choices import CooperationKind, CooperationState, CounterpartKind
from cooperation.models import CooperationItem, Counterpart
from cooperation.stats import GROUPINGS, SUMS, KindFigures, kind_figures
from regions.choices import DivisionLevel
from regions.models import Division

pytestmark = pytest.mark.django_db
STATS = "/api/v1/stats/cooperation/"


@pytest.fixture
def provinces(beijing):
    tianjin = Division.objects.create(code="120000", name="天津市", level=DivisionLevel.PROVINCE)
    hebei = Division.objects.create(code="130000", name="河北省", level=DivisionLevel.PROVINCE)
    haidian = Division.objects.create(
        code="110108", name="海淀区", level=DivisionLevel.DISTRICT, parent=beijing
    )
    langfang = Division.objects.create(
        code="131000", name="廊坊市", level=DivisionLevel.PREFECTURE_CITY, parent=hebei
    )
    return {
        "北京市": beijing,
        "天津市": tianjin,
        "河北省": hebei,
        "海淀区": haidian,
        "廊坊市": langfang,
    }


@pytest.fixture
def ledger(provinces, department, other_department, lingcheng, project):
    """Five items: two platforms (one with partners in Beijing and Tianjin), an incubated
    project that landed, talent cooperation of 2022 with Hebei, a firm with no partner."""
    partner = {
        "tsinghua": ("清华大学", CounterpartKind.UNIVERSITY, provinces["海淀区"]),
        "nankai": ("南开大学", CounterpartKind.UNIVERSITY, provinces["天津市"]),
        "langfang": ("廊坊市人民医院", CounterpartKind.HOSPITAL, provinces["廊坊市"]),
        "pku": ("北京大学", CounterpartKind.UNIVERSITY, provinces["海淀区"]),
    }
    partners = {
        key: Counterpart.objects.create(name=name, kind=kind, division=division)
        for key, (name, kind, division) in partner.items()
    }

    def item(code, kind, year, department, with_=(), **fields):
        made = CooperationItem.objects.create(
            code=code, title=code, kind=kind, year=year, department=department, **fields
        )
        made.counterparts.set([partners[key] for key in with_])
        return made

    achieved = {"state": CooperationState.ACHIEVED}
    return {
        "a": item(
            "A", CooperationKind.PLATFORM, 2023, department, ["tsinghua", "pku"],
            division=lingcheng, investment=Decimal("100.50"), started_on=datetime.date(2023, 2, 1),
            achieved_on=datetime.date(2023, 9, 1), **achieved,
        ),
        "b": item(
            "B", CooperationKind.PLATFORM, 2023, other_department, ["tsinghua", "nankai"],
            investment=Decimal("50"), state=CooperationState.IN_PROGRESS,
            started_on=datetime.date(2022, 12, 1),
        ),
        "c": item(
            "C", CooperationKind.INCUBATED, 2023, department, project=project,
            achieved_on=datetime.date(2023, 10, 1), **achieved,
        ),
        "d": item(
            "D", CooperationKind.TALENT, 2022, department, ["langfang"], people=300,
            started_on=datetime.date(2022, 3, 1),
        ),
        "e": item("E", CooperationKind.FIRM_COOPERATION, 2023, other_department, people=5),
    }  # fmt: skip


@pytest.fixture
def reader(api_client_for, official_user):
    return api_client_for(official_user, "read")


def stats(reader, query, status=200):
    response = reader.get(f"{STATS}?{query}")
    assert response.status_code == status, response.content[:500]
    return response.json()


def by_key(answer):
    return {group["key"]: group for group in answer["groups"]}


def test_by_kind_for_a_year_sums_items_money_and_landed_projects(reader, ledger):
    answer = stats(reader, "group_by=kind&year=2023")
    assert answer["group_by"] == "kind" and answer["unit"] == "万元"
    groups = by_key(answer)
    assert set(groups) == {"platform", "incubated", "firm_cooperation"}
    platform = groups["platform"]
    assert (platform["items"], platform["achieved"], platform["investment"]) == (2, 1, "150.50")
    assert platform["landed_projects"] == 0 and platform["landed_investment"] == "0.00"
    assert platform["label"] == str(CooperationKind.PLATFORM.label)
    incubated = groups["incubated"]
    assert (incubated["landed_projects"], incubated["landed_investment"]) == (1, "52000.00")
    assert answer["groups"][0]["key"] == "platform"  # most items first
    total = answer["total"]
    assert total["key"] is None and total["items"] == 4 and total["achieved"] == 2
    assert total["investment"] == "150.50" and total["people"] == 5
    assert total["landed_investment"] == "52000.00"
    assert set(total) == {"key", "label", *SUMS}


def test_by_counterpart_province_counts_an_item_in_each_province_and_once_in_total(
    reader, ledger, provinces
):
    answer = stats(reader, "group_by=counterpart_province")
    groups = by_key(answer)
    beijing, tianjin, hebei = (provinces[name].pk for name in ("北京市", "天津市", "河北省"))
    # A has two Beijing partners: counted once there.
    assert {key: group["items"] for key, group in groups.items()} == {
        beijing: 2,
        tianjin: 1,
        hebei: 1,
        None: 2,
    }
    assert groups[beijing]["label"] == "北京市" and groups[hebei]["label"] == "河北省"
    assert groups[beijing]["investment"] == "150.50"
    assert groups[hebei]["people"] == 300
    assert groups[None]["landed_projects"] == 1
    assert answer["total"]["items"] == 5 and answer["total"]["investment"] == "150.50"
    assert answer["total"]["people"] == 305
    # The list's filters apply: Tianjin's partners only.
    only_tianjin = by_key(
        stats(reader, f"group_by=counterpart_province&counterpart_province={tianjin}")
    )
    assert {key: group["items"] for key, group in only_tianjin.items()} == {beijing: 1, tianjin: 1}


@pytest.mark.parametrize(
    "group_by, expected",
    [
        ("year", {2023: 4, 2022: 1}),
        ("state", {"achieved": 2, "in_progress": 1, "planned": 2}),
    ],
)
def test_by_year_and_state(reader, ledger, group_by, expected):
    answer = stats(reader, f"group_by={group_by}")
    assert {key: group["items"] for key, group in by_key(answer).items()} == expected
    assert answer["total"]["items"] == 5


def test_by_department_and_county_name_their_groups(
    reader, ledger, department, other_department, lingcheng
):
    departments = by_key(stats(reader, "group_by=department"))
    assert departments[department.pk]["items"] == 3
    assert departments[department.pk]["label"] == "市商务局"
    assert departments[other_department.pk]["items"] == 2
    counties = by_key(stats(reader, "group_by=county"))
    assert counties[lingcheng.pk]["label"] == "陵城区" and counties[lingcheng.pk]["items"] == 1
    assert counties[None]["items"] == 4 and counties[None]["label"] == "未填写"


@pytest.mark.parametrize(
    "query, field",
    [
        ("group_by=nope", "group_by"),
        ("", "group_by"),
        ("group_by=kind&kind=nope", "kind"),
        ("group_by=kind&year=20x3", "year"),
        ("group_by=counterpart_province&counterpart_province=1.5", "counterpart_province"),
        ("group_by=kind&overdue=yes", "overdue"),
        ("group_by=kind&department=99999999999999999999", "department"),
    ],
)
def test_bad_queries_are_a_400_naming_the_parameter(reader, ledger, query, field):
    assert list(stats(reader, query, status=400)) == [field]


def test_anonymous_callers_get_401(client, ledger):
    assert client.get(f"{STATS}?group_by=kind").status_code == 401


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_each_grouping_runs_a_bounded_number_of_queries(
    reader, ledger, group_by, django_assert_max_num_queries
):
    reader.get("/api/v1/")  # the token's first use of the minute records it
    # The token, then the groups: which provinces (by province only), the sums, the labels.
    with django_assert_max_num_queries(4):
        answer = stats(reader, f"group_by={group_by}&year=2023")
    assert answer["total"]["items"] == 4


def test_filters_narrow_the_statistics(reader, ledger, department):
    assert stats(reader, "group_by=kind&state=achieved")["total"]["items"] == 2
    assert stats(reader, f"group_by=kind&department={department.pk}")["total"]["items"] == 3
    assert stats(reader, "group_by=kind&kind=talent")["total"]["people"] == 300
    assert stats(reader, "group_by=kind&landed=true")["total"]["items"] == 1


def test_kind_figures_for_the_bulletin(ledger):
    figures = kind_figures(datetime.date(2023, 1, 1), datetime.date(2023, 9, 30))
    assert [figure.kind for figure in figures] == list(CooperationKind.values)
    by_kind = {figure.kind: figure for figure in figures}
    assert by_kind["platform"] == KindFigures(
        kind="platform",
        label=str(CooperationKind.PLATFORM.label),
        items=2,
        started=1,  # A started in February; B in December 2022
        achieved=1,  # A, in September
        investment=Decimal("150.50"),
        people=0,
        landed_projects=0,
        landed_investment=Decimal("0"),
    )
    # C was achieved on 1 October: after the period, but of the year's ledger.
    incubated = by_kind["incubated"]
    assert (incubated.items, incubated.achieved, incubated.landed_projects) == (1, 0, 1)
    assert incubated.landed_investment == Decimal("52000")
    # D is of the 2022 ledger: not among the year's items.
    assert by_kind["talent"].items == 0 and by_kind["talent"].people == 0
    assert by_kind["medical"] == KindFigures("medical", by_kind["medical"].label, 0, 0, 0,
                                             Decimal("0"), 0, 0, Decimal("0"))  # fmt: skip


def test_kind_figures_count_starts_of_earlier_ledgers(ledger):
    talent = {
        f.kind: f for f in kind_figures(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    }
    assert talent["talent"].items == 1 and talent["talent"].started == 1
    assert talent["talent"].people == 300
    # B (ledger 2023) started in December 2022: counted as started in 2022.
    assert talent["platform"].started == 1 and talent["platform"].items == 0
