"""The project list at any depth (core.keyset, core.rest.pagination.KeyedPagination):
cursors that return every row once across cities with equal codes, page numbers near
either end, the wall in between, and counts that stop at a cap."""

import base64
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from core.keyset import ListKey
from projects.api.views import PROJECT_LIST_KEY
from projects.models import Project
from regions.tenants import Tenant
from tracker.services import create_api_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"
LANGFANG = "131000"
PROJECTS = 601  # 300 per city (codes XM-<n % 97>-<n> in both) and the fixture's


@pytest.fixture
def api():
    operator = get_user_model().objects.create_superuser("depth-admin", "d@example.gov", "x")
    _token, key = create_api_token(name="depth", user=operator, scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def world(project):
    """PROJECTS projects in two cities, every code in both (Dezhou, the home city, and
    Langfang), over four years; ``project`` (DZ-2023-001) is among them."""
    hebei = Tenant.objects.create(code="130000", name="河北省", kind="province")
    Tenant.objects.create(code=LANGFANG, name="廊坊市", parent=hebei)
    add_projects(range(1, PROJECTS // 2 + 1), project)
    return project


def add_projects(numbers, like, *, years=(2021, 2022, 2023, 2024)):
    rows = []
    for n in numbers:
        for tenant in (like.tenant_id, LANGFANG):
            rows.append(
                Project(
                    tenant_id=tenant,
                    code=f"XM-{n % 97:03d}-{n:04d}",
                    name=f"项目{n}",
                    investor="某某公司",
                    year=years[n % len(years)],
                    host_division=like.host_division,
                    responsible_department=like.responsible_department,
                    total_investment=Decimal(n),
                )
            )
    return Project.objects.bulk_create(rows)


def full_order():
    """Every project's id in the list's order, computed here, not by the code under test."""
    rows = Project.objects.values_list("year", "code", "pk")
    return [pk for _year, _code, pk in sorted(rows, key=lambda r: (-r[0], r[1], r[2]))]


def ids(body):
    return [row["id"] for row in body["results"]]


def walk(api, url, params=None):
    """Follow ``next`` to the end; the ids read, in order, and the bodies."""
    read, bodies = [], []
    answer = api.get(url, params)
    while True:
        assert answer.status_code == 200, answer.content[:300]
        body = answer.json()
        read += ids(body)
        bodies.append(body)
        if body["next"] is None:
            return read, bodies
        answer = api.get(body["next"])


def test_following_next_reads_every_row_once_in_order_past_the_page_wall(api, world, settings):
    settings.TRACKER_PAGE_DEPTH = 120
    read, bodies = walk(api, URL, {"page_size": 50})
    assert read == full_order()
    assert len(read) == len(set(read)) == PROJECTS
    # Two pages by number (100 rows within the depth), then cursors: never a 400.
    queries = [parse_qs(urlsplit(body["next"]).query) for body in bodies[:-1]]
    assert "page" in queries[0] and "cursor" not in queries[0]
    assert all("cursor" in query and "page" not in query for query in queries[2:])
    # Every page but the last says where to go on; a cursor page is not counted.
    assert all(body["next_cursor"] for body in bodies[:-1])
    assert bodies[-1]["next_cursor"] is None
    assert bodies[0]["count"] == PROJECTS and bodies[-1]["count"] is None


def test_rows_written_during_a_walk_before_the_cursor_are_skipped_after_it_are_read(api, world):
    first = api.get(URL, {"page_size": 100}).json()
    cursor = first["next_cursor"]
    last = Project.objects.get(pk=first["results"][-1]["id"])
    # One row sorting before the cursor (a newer year) and one after it (an older year).
    before, after = add_projects([5000], world, years=(2099,))[0], None
    after = add_projects([6000], world, years=(2000,))
    rest, _bodies = walk(api, URL, {"page_size": 100, "cursor": cursor})
    assert before.pk not in rest
    assert {row.pk for row in after} <= set(rest)
    expected = full_order()
    assert rest == expected[expected.index(last.pk) + 1 :]
    assert len(ids(first)) + len(rest) == PROJECTS + 2  # the later of each pair


@pytest.mark.parametrize("page", [1, 2, 14, 15, 16])
def test_page_n_from_either_end_is_the_same_slice_of_the_full_order(api, world, settings, page):
    settings.TRACKER_PAGE_DEPTH = 100
    body = api.get(URL, {"page_size": 40, "page": page}).json()
    assert ids(body) == full_order()[(page - 1) * 40 : page * 40]
    assert body["count"] == PROJECTS


def test_a_page_between_the_ends_is_a_400_saying_to_follow_next_cursor(api, world, settings):
    settings.TRACKER_PAGE_DEPTH = 100
    answer = api.get(URL, {"page_size": 40, "page": 13}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert "next_cursor" in answer.json()["page"][0]
    # The last page near the start links on by cursor; the first near the end links back
    # to nothing it would refuse.
    near_start = api.get(URL, {"page_size": 40, "page": 2}).json()
    assert "cursor=" in near_start["next"] and "page=" not in near_start["next"]
    assert near_start["next_cursor"] in near_start["next"]
    near_end = api.get(URL, {"page_size": 40, "page": 14}).json()
    assert near_end["previous"] is None and "page=15" in near_end["next"]
    assert api.get(URL, {"page_size": 40, "page": 17}).status_code == 404


def test_the_count_is_exact_up_to_the_cap_and_null_beyond(api, world, settings):
    # is_key is a filter the tally does not cover (projects.tallies): the rows are counted.
    uncovered = {"page_size": 10, "is_key": "false"}
    settings.TRACKER_COUNT_CAP = PROJECTS
    body = api.get(URL, uncovered).json()
    assert (body["count"], body["count_more_than"]) == (PROJECTS, None)
    settings.TRACKER_COUNT_CAP = PROJECTS - 1
    body = api.get(URL, uncovered).json()
    assert (body["count"], body["count_more_than"]) == (None, PROJECTS - 1)
    assert body["next"] and ids(body) == full_order()[:10]
    # A filter with fewer rows than the cap is counted exactly.
    year = api.get(URL, {**uncovered, "year": 2024}).json()
    assert year["count"] == Project.objects.filter(year=2024).count() < PROJECTS - 1


def test_an_uncounted_list_pages_by_number_only_from_the_start(api, world, settings):
    settings.TRACKER_COUNT_CAP = 100
    settings.TRACKER_PAGE_DEPTH = 200
    uncovered = {"page_size": 50, "is_key": "false"}
    assert ids(api.get(URL, {**uncovered, "page": 4}).json()) == full_order()[150:200]
    assert api.get(URL, {**uncovered, "page": 12}).status_code == 400  # the end is unknown
    read, _bodies = walk(api, URL, uncovered)
    assert read == full_order()


def test_a_search_is_counted_and_paged_by_number_within_its_reach(api, world, settings):
    # "项目1" is in the names of 1, 10-19, 100-199: 111 numbers, in both cities.
    matches = [pk for pk in full_order() if pk in names_with("项目1")]
    assert len(matches) == 222
    settings.TRACKER_SEARCH_REACH = 100
    search = {"page_size": 40, "search": "项目1"}
    first = api.get(URL, search, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (first["count"], first["count_more_than"]) == (None, 100)
    assert ids(first) == matches[:40]
    # Page 3 (rows 81-120) passes the reach: refused, in Chinese, and page 2 links on by
    # cursor, which reaches every match.
    third = api.get(URL, {**search, "page": 3}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert third.status_code == 400
    assert "next_cursor" in third.json()["page"][0] and "页码" in third.json()["page"][0]
    second = api.get(URL, {**search, "page": 2}).json()
    assert "cursor=" in second["next"] and ids(second) == matches[40:80]
    read, _bodies = walk(api, URL, search)
    assert read == matches
    # Within the reach, a search is counted exactly; a list without one is not limited.
    settings.TRACKER_SEARCH_REACH = 222
    assert api.get(URL, search).json()["count"] == 222
    settings.TRACKER_SEARCH_REACH = 10
    assert api.get(URL, {"page_size": 10, "is_key": "false"}).json()["count"] == PROJECTS
    assert api.get(URL, {"page_size": 10, "search": " "}).json()["count"] == PROJECTS
    # A reach below the page size still serves page 1 (an operator's setting).
    first = api.get(URL, {"page_size": 40, "search": "项目1"})
    assert first.status_code == 200 and ids(first.json()) == matches[:40]


def names_with(text):
    return set(Project.objects.filter(name__contains=text).values_list("pk", flat=True))


def test_another_ordering_pages_by_number_without_cursor(api, world, settings):
    settings.TRACKER_PAGE_DEPTH = 100
    body = api.get(URL, {"page_size": 50, "ordering": "-total_investment"}).json()
    assert body["next_cursor"] is None and "page=2" in body["next"]
    second = api.get(body["next"]).json()
    assert second["next"] is None  # page 3 would pass the depth, and has no cursor
    # A cursor always follows the key's order, whatever ordering says.
    cursor = api.get(URL, {"page_size": 50}).json()["next_cursor"]
    after = api.get(URL, {"page_size": 50, "cursor": cursor, "ordering": "code"}).json()
    assert ids(after) == full_order()[50:100]


def encoded(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "!!",
        "a",
        encoded("not json"),
        encoded("[2023, 1]"),
        encoded('["2023", "XM", 1]'),
        encoded("[2023, 5, 1]"),
        encoded('[2023, "XM", 1.5]'),
        encoded('[2023, "XM", 99999999999999999999999]'),
        encoded('{"year": 2023}'),
        encoded('[true, "XM", 1]'),
        encoded('[2023, "X\\u0000M", 1]'),
        # Found by the review: a year whose negation leaves 64 bits, a lone surrogate, a
        # code longer than any code.
        encoded('[-9223372036854775808, "a", 1]'),
        encoded('[2024, "\\ud800", 1]'),
        encoded(f'[2024, "{"X" * 500}", 1]'),
    ],
)
def test_a_malformed_cursor_is_a_400_naming_it(api, world, cursor):
    answer = api.get(URL, {"cursor": cursor})
    assert answer.status_code == 400, answer.content[:200]
    assert list(answer.json()) == ["cursor"]


def test_extreme_but_well_formed_cursors_answer_200(api, world):
    for values in ([-(2**62), "", 0], [2**62, "\uffff", 2**62], [2023, "中文编码", 1]):
        answer = api.get(URL, {"cursor": PROJECT_LIST_KEY.encode(values)})
        assert answer.status_code == 200, (values, answer.content[:200])


def cursor_ids_sql(after):
    """The SQL of a cursor page's id query, as KeyedPagination runs it."""
    key = PROJECT_LIST_KEY
    queryset = key.seek(Project.objects.order_by(*key.ordering()), after)
    return queryset.values_list("pk", flat=True)[:51].query.sql_with_params()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_cursor_page_is_one_range_scan_of_the_keyset_index_without_a_sort(world):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
        sql, params = cursor_ids_sql([2022, "XM-050", 0])
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_list_keyset" in plan, plan
    assert "Index Cond" in plan and "Sort" not in plan, plan


def test_the_key_reads_and_writes_its_cursor():
    key = ListKey("-year", "code", "id")
    row = Project(year=2023, code="XM-2023-001", id=7)
    assert key.decode(key.encode(key.values(row)), Project) == [2023, "XM-2023-001", 7]
    assert "=" not in key.encode([2023, "中", 1])


def test_a_list_under_a_record_is_no_keyed_list(api, world):
    # A project's reports (updates/) page by number with their own count, not the list's.
    body = api.get(f"{URL}{world.pk}/updates/").json()
    assert (body["count"], body["next_cursor"], body["results"]) == (0, None, [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_year_filter_reads_the_keyset_index_from_that_year_on(world):
    # At 1,000,000 projects year=2023&stage=signed took 538 ms when the planner saw only
    # `year = 2023` (no bound on the index's (-year)), 0.2 ms with of_year's second form.
    key = PROJECT_LIST_KEY
    page = Project.objects.of_year(2023).filter(stage="signed").order_by(*key.ordering())
    sql, params = page.values_list("pk", flat=True)[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
        # A small table: the planner would sort its few rows. Without sorts it must read
        # the order from an index, and the year must bound that index's range.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # ((- year)) in an index-only scan, (- year) in a plain one.
    assert "keyset" in plan and re.search(r"Index Cond: \(+- year\)+ = '-2023'", plan), plan
    assert "Sort" not in plan, plan
    assert set(page) == set(Project.objects.filter(year=2023, stage="signed"))
