"""Two-character search through the grams index (projects migration 0016, core.search):
the rows are exactly the LIKE/ILIKE rows, and PostgreSQL finds a rare two-character term
through the GIN index."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from rest_framework.test import APIClient

from core.search import GramsContain, search_lookup, term_grams, with_grams
from projects.models import Project
from tracker.services import create_api_token

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index"),
]

FIELDS = ("code", "name", "investor")
ROWS = [
    ("LD-2023-001", "年产10万吨新材料项目", "北京恒瑞安科技有限公司"),
    ("LD-2023-002", "年产5000台智能装备项目", "Hengrui Tech Co."),
    ("ld-2023-003", "数字化工厂项目", "上海ABC集团"),
    ("XM-2024-100", "新能源汽车零部件", "abc Holdings"),
    ("XM-2024-101", "100%绿电产业园", "某某_投资 有限公司"),
    ("XM_2024_102", "生物医药产业基地", "德州市城投"),
    ("XM-2024-103", "Data Center 数据中心", "MixedCase GmbH"),
    ("HZ-2022-007", "稀有金属深加工", "中国稀土集团"),
    ("HZ-2022-008", "冷链物流园", "顺丰速运"),
    ("Ω-2022-009", "ΣΑΣ希腊合作", "Ärzte Gruppe"),
    ("HZ-2022-010", "𠀀古字项目", "年产公司"),
]
TERMS = [
    "年",
    "年产",
    "年产10",
    "产业",
    "稀有",
    "稀土集团",
    "有限",
    "项目",
    "0",
    "10",
    "2023",
    "100%",
    "%",
    "_",
    "XM_",
    "_2024",
    "LD",
    "ld",
    "Ld-2023",
    "abc",
    "ABC",
    "Tech",
    "mixedcase",
    "a",
    "D",
    "-",
    "中心",
    "数据中心",
    "𠀀",
    "𠀀古",
    "ä",
    "Σ",
    "σας",
    "没有的词",
    "zz",
]


@pytest.fixture
def rows(project):
    Project.objects.bulk_create(
        Project(
            tenant_id=project.tenant_id,
            code=code,
            name=name,
            investor=investor,
            year=2024,
            host_division=project.host_division,
            responsible_department=project.responsible_department,
            total_investment=Decimal(1),
        )
        for code, name, investor in ROWS
    )
    return Project.objects.all()


@pytest.fixture
def api():
    operator = get_user_model().objects.create_superuser("search-admin", "s@example.gov", "x")
    _token, key = create_api_token(name="search", user=operator, scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def like_ids(term):
    """The rows the plain LIKE (uncased term) or ILIKE (cased) finds, without the grams."""
    lookup = search_lookup([term])
    matches = Q()
    for field in FIELDS:
        matches |= Q(**{f"{field}__{lookup}": term})
    return set(Project.objects.filter(matches).values_list("pk", flat=True))


def test_the_like_rows_are_what_a_reader_expects(rows):
    # The reference itself, checked where Python's and PostgreSQL's case agree.
    assert len(like_ids("年产")) == 3 and len(like_ids("ld")) == 4 == len(like_ids("LD"))
    assert len(like_ids("%")) == 1 and len(like_ids("_")) == 2


@pytest.mark.parametrize("term", TERMS)
def test_the_api_finds_exactly_the_like_rows(api, rows, term):
    answer = api.get("/api/v1/projects/", {"search": term, "page_size": 500})
    assert answer.status_code == 200
    assert {row["id"] for row in answer.json()["results"]} == like_ids(term), term


def test_several_terms_find_the_rows_with_every_term(api, rows):
    answer = api.get("/api/v1/projects/", {"search": "年产 项目", "page_size": 500})
    assert {row["id"] for row in answer.json()["results"]} == like_ids("年产") & like_ids("项目")


def test_the_grams_condition_alone_keeps_every_like_row(rows):
    # The grams are a necessary condition: never a row the LIKE would find is lost, for
    # terms of any length (longer ones are left to the trigrams today, not for good).
    for term in TERMS:
        grams = term_grams(term)
        if grams is None:
            continue
        narrowed = set(rows.filter(GramsContain(FIELDS, grams)).values_list("pk", flat=True))
        assert like_ids(term) <= narrowed, term


def test_only_terms_shorter_than_a_trigram_ask_the_grams(rows):
    def asks(terms):
        return "tracker_grams" in str(with_grams(rows, FIELDS, terms).query)

    assert asks(["年产"]) and asks(["a"]) and asks(["年产", "LD-00500"])
    assert not asks(["LD-00500"]) and not asks(["年产10"])


def grams(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tracker_grams(%s)", [text])
        return cursor.fetchone()[0]


def test_the_function_gives_every_one_and_two_character_substring_lower_cased(db):
    assert grams("") == []
    assert grams(None) is None
    assert set(grams("AbA")) == {"a", "ab", "b", "ba"}
    assert set(grams("年产")) == {"年", "产", "年产"}
    assert grams("x") == ["x"]
    # A character beyond the Basic Multilingual Plane is one character, not two halves.
    assert set(grams("𠀀a")) == {"𠀀", "a", "𠀀a"}


def test_what_python_asks_the_index_for():
    assert term_grams("年") == ["年"]
    assert term_grams("年产10") == sorted(["年产", "产1", "10"])
    assert term_grams("LD-") == ["d-", "ld"]
    assert term_grams("Σας") is None  # Python's lower case of Greek is not PostgreSQL's


def fill_with_nianchan(project):
    """2,000 rows named 年产…: enough for the planner to weigh an index against a scan."""
    Project.objects.bulk_create(
        Project(
            tenant_id=project.tenant_id,
            code=f"FILL-{n:05d}",
            name=f"年产{n}吨新材料项目",
            investor="某某有限公司",
            year=2020 + n % 5,
            host_division=project.host_division,
            responsible_department=project.responsible_department,
        )
        for n in range(2000)
    )


def test_a_rare_two_character_term_is_found_through_the_gin_index(rows, project):
    # 2,000 rows without the term: enough for the planner to prefer the index to a scan.
    fill_with_nianchan(project)
    searched = with_grams(rows.filter(name__contains="稀有"), FIELDS, ["稀有"])
    sql, params = searched.values_list("pk", flat=True).query.sql_with_params()
    with connection.cursor() as cursor:
        # What VACUUM does after a bulk load: merge GIN's pending list (fastupdate), which
        # the planner otherwise costs as read in full.
        cursor.execute("SELECT gin_clean_pending_list('project_search_grams')")
        cursor.execute("ANALYZE projects_project")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_search_grams" in plan, plan


def test_a_term_in_most_rows_is_found_without_its_grams(rows, project):
    # At a million projects `年产` (half the names) took 85 ms for page 100 through the
    # grams and 10 ms by the list's own index; a rare term still goes through the grams.
    fill_with_nianchan(project)
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('project_search_grams')")
        cursor.execute("ANALYZE projects_project")

    def asks(terms):
        return "tracker_grams" in str(with_grams(rows, FIELDS, terms).query)

    assert not asks(["年产"])
    assert asks(["稀有"])
    found = with_grams(rows.filter(name__contains="年产"), FIELDS, ["年产"])
    expected = Project.objects.filter(name__contains="年产").values_list("pk", flat=True)
    assert set(found.values_list("pk", flat=True)) == set(expected)
