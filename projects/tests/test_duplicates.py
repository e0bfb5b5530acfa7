"""Possible duplicates: which pairs are found, which are not, and the "not a duplicate"
decision (docs/duplicates.md). Run on SQLite and on PostgreSQL (pg_trgm's similarity)."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import duplicates
from projects.duplicates import (
    Reason,
    dismiss_duplicate,
    find_duplicates,
    investor_key,
    normalised,
    similarity,
    under_review,
)
from projects.models import DuplicateDismissal, Project

pytestmark = pytest.mark.django_db

INVESTOR = "北京恒瑞安科技有限公司"
counter = itertools.count(100)


@pytest.fixture
def make(lingcheng, department):
    def make(name, investor=INVESTOR, county=None, year=2023):
        return Project.objects.create(
            code=f"DZ-{year}-{next(counter)}",
            name=name,
            investor=investor,
            host_division=county or lingcheng,
            responsible_department=department,
            year=year,
            total_investment=Decimal("10000"),
        )

    return make


def pairs():
    return {(pair.first, pair.second): pair for pair in find_duplicates().pairs}


def key(first, second):
    return tuple(sorted((first.pk, second.pk)))


@pytest.mark.parametrize(
    "written",
    [
        "北京恒瑞安科技股份有限公司",
        "北京 恒瑞安科技（有限责任公司）",
        "北京恒瑞安科技",
        "北京恒瑞安科技有限公司。",
        "北京恒瑞安科技有限公司\u3000",
    ],
)
def test_investor_forms_spaces_punctuation_and_width_are_one_investor(written):
    assert investor_key(written) == investor_key(INVESTOR) == "北京恒瑞安科技"


def test_full_width_letters_and_case_are_one_investor():
    assert investor_key("ＢＯＥ Ｔｅｃｈ Ｃｏ.") == investor_key("boe tech co")


def test_names_are_compared_without_punctuation_and_width():
    assert normalised("数字化工厂（一期）项目") == normalised("数字化工厂(一期) 项目")
    assert normalised("年产１０万吨") == "年产10万吨"


def test_the_threshold_in_examples():
    n = normalised
    assert similarity(n("年产10万吨新材料项目"), n("年产10万吨新材料生产项目")) >= 0.6
    assert similarity(n("数字化工厂项目"), n("数字化工厂二期项目")) == 0.5
    assert similarity(n("光伏项目"), n("光伏电站项目")) < 0.6
    assert similarity("", "") == 0


def test_a_similar_name_of_the_same_investor_in_another_county_is_found(make, decheng):
    first = make("年产10万吨新材料项目")
    second = make("年产10万吨新材料生产项目", investor="北京恒瑞安科技股份有限公司", county=decheng)
    found = pairs()
    assert list(found) == [key(first, second)]
    assert found[key(first, second)].reason == Reason.COUNTY
    assert found[key(first, second)].similarity == pytest.approx(0.625, abs=1e-6)


def test_names_differing_by_punctuation_in_another_year_are_found(make):
    first = make("数字化工厂（一期）项目", year=2023)
    second = make("数字化工厂一期项目", investor="北京 恒瑞安科技（有限责任公司）", year=2024)
    pair = pairs()[key(first, second)]
    assert (pair.similarity, pair.reason) == (1.0, Reason.YEAR)


def test_full_width_names_and_investors_are_found(make, decheng):
    first = make("ＢＯＥ显示面板项目", investor="ＢＯＥ科技有限公司", year=2023)
    second = make("BOE显示面板项目", investor="boe科技股份有限公司", county=decheng, year=2024)
    assert pairs()[key(first, second)].reason == Reason.COUNTY_AND_YEAR


def test_another_investor_is_no_duplicate(make, decheng):
    make("数字化工厂项目")
    make("数字化工厂项目", investor="天津恒瑞安科技有限公司", county=decheng)
    make("数字化工厂项目", investor="", county=decheng)
    make("数字化工厂项目", investor="有限公司", county=decheng)  # nothing left to compare
    assert pairs() == {}


def test_dissimilar_names_and_a_second_phase_are_no_duplicates(make, decheng):
    make("数字化工厂项目")
    make("数字化工厂二期项目", county=decheng)
    make("新能源汽车零部件项目", year=2024)
    assert pairs() == {}


def test_in_one_county_and_year_only_the_same_name_is_a_duplicate(make):
    first = make("年产10万吨新材料项目")
    make("年产10万吨新材料生产项目")  # similar: a second line of one investor, kept apart
    twice = make("年产10万吨新材料项目。")
    assert list(pairs()) == [key(first, twice)]
    assert pairs()[key(first, twice)].reason == Reason.SAME_NAME


def test_dismissing_is_remembered_idempotent_and_in_one_order(make, decheng, supervisor_user):
    first = make("数字化工厂项目")
    second = make("数字化工厂项目", county=decheng)
    assert under_review([first.pk, second.pk]) == {first.pk, second.pk}
    decision = dismiss_duplicate(second, first.pk, by=supervisor_user, note="两个不同厂区")
    assert (decision.first_id, decision.second_id) == key(first, second)
    again = dismiss_duplicate(first, second, by=supervisor_user, note="另一个说明")
    assert again.pk == decision.pk
    assert DuplicateDismissal.objects.get().note == "两个不同厂区"
    assert DuplicateDismissal.objects.get().decided_by == supervisor_user
    assert pairs() == {}
    assert under_review([first.pk, second.pk]) == set()


def test_a_dismissal_leaves_the_other_pairs_of_a_project(make, decheng, supervisor_user):
    first = make("数字化工厂项目")
    second = make("数字化工厂项目", county=decheng)
    third = make("数字化工厂项目", year=2024)
    dismiss_duplicate(first, second, by=supervisor_user)
    assert set(pairs()) == {key(first, third), key(second, third)}
    assert under_review([first.pk]) == {first.pk}


@pytest.mark.parametrize("who", ["official", "anonymous", "nobody"])
def test_only_supervisors_dismiss(make, decheng, official_user, who):
    from django.contrib.auth.models import AnonymousUser

    first = make("数字化工厂项目")
    second = make("数字化工厂项目", county=decheng)
    by = {"official": official_user, "anonymous": AnonymousUser(), "nobody": None}[who]
    with pytest.raises(PermissionDenied):
        dismiss_duplicate(first, second, by=by)
    assert not DuplicateDismissal.objects.exists()


@pytest.mark.parametrize(
    ("note", "field"),
    [("同一项目", "second"), ("x" * 301, "note"), ("第一行\n第二行", "note")],
)
def test_a_bad_decision_is_refused_and_nothing_stored(make, supervisor_user, note, field):
    first = make("数字化工厂项目")
    other = first if field == "second" else make("数字化工厂项目", year=2024)
    with pytest.raises(ValidationError) as error:
        dismiss_duplicate(first, other, by=supervisor_user, note=note)
    assert field in error.value.message_dict
    assert not DuplicateDismissal.objects.exists()


def test_a_missing_project_is_refused(make, supervisor_user):
    first = make("数字化工厂项目")
    with pytest.raises(ValidationError):
        dismiss_duplicate(first, first.pk + 1000, by=supervisor_user)


def test_under_review_answers_only_for_the_ids_asked(make, decheng, django_assert_num_queries):
    first = make("数字化工厂项目")
    second = make("数字化工厂项目", county=decheng)
    alone = make("别的项目", investor="别的公司")
    assert under_review([first.pk, alone.pk]) == {first.pk}
    assert under_review(Project.objects.filter(pk=second.pk).values_list("pk", flat=True)) == {
        second.pk
    }
    with django_assert_num_queries(0):
        assert under_review([]) == set()


def test_as_of_a_day_ignores_later_projects_and_decisions(make, decheng, supervisor_user):
    first = make("数字化工厂项目")
    second = make("数字化工厂项目", county=decheng)
    third = make("数字化工厂项目", year=2024)
    moment = timezone.make_aware(datetime.datetime(2024, 1, 10, 9))
    Project.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=moment)
    dismiss_duplicate(first, second, by=supervisor_user)  # decided today
    ids = [first.pk, second.pk, third.pk]
    assert under_review(ids, as_of=datetime.date(2024, 1, 9)) == set()
    assert under_review(ids, as_of=datetime.date(2024, 1, 10)) == {first.pk, second.pk}
    assert under_review(ids) == {first.pk, second.pk, third.pk}


def test_an_investor_with_too_many_projects_is_reported_not_compared(make, monkeypatch):
    monkeypatch.setattr(duplicates, "GROUP_LIMIT", 3)
    for _ in range(4):
        make("待定项目", investor="待定")
    review = find_duplicates()
    assert review.pairs == []
    assert review.too_large == [("待定", 4)]


def test_the_cost_does_not_grow_with_the_table(
    make, lingcheng, decheng, django_assert_max_num_queries
):
    # 40 investors with three projects each, and 200 projects of their own investors.
    for number in range(40):
        for county, year in ((lingcheng, 2023), (decheng, 2023), (lingcheng, 2024)):
            make(
                f"第{number}号新材料产业园项目",
                investor=f"投资方{number}有限公司",
                county=county,
                year=year,
            )
    for number in range(200):
        make(f"单独项目{number}", investor=f"独立投资方{number}")
    with django_assert_max_num_queries(3):
        review = find_duplicates()
    assert len(review.pairs) == 40 * 3
    with django_assert_max_num_queries(3):
        assert len(under_review(Project.objects.values_list("pk", flat=True))) == 120


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_measures_with_pg_trgm_as_python_does(make, decheng):
    names = [
        "年产10万吨新材料项目",
        "年产10万吨新材料生产项目",
        "数字化工厂项目",
        "数字化工厂二期项目",
        "boe显示面板项目",
        "京津高校科研成果转化项目02生物制剂生产线",
        "京津高校科研成果转化项目06数控机床生产线",
        "a",
    ]
    name_pairs = list(itertools.combinations(names, 2))
    in_database = duplicates.similarities(name_pairs)
    in_python = [similarity(a, b) for a, b in name_pairs]
    assert in_database == pytest.approx(in_python, abs=1e-6)
    make("年产10万吨新材料项目")
    make("年产10万吨新材料生产项目", county=decheng)
    with CaptureQueriesContext(connection) as queries:
        assert len(find_duplicates().pairs) == 1
    assert any("similarity(" in query["sql"] for query in queries.captured_queries)
