"""Whatever a client sends under /api/, the answer is a 2xx or a 4xx with a JSON body.

Run on SQLite by default and on PostgreSQL in CI; the ``overflow`` tests are the ones whose
outcome depends on the database (bigint overflow, NUL bytes):
``DATABASE_URL=postgres://… pytest config/tests/test_hostile_input.py -k overflow``.
"""

import json

import pytest
from rest_framework.test import APIClient

from tracker.services import create_api_token

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = "9223372036854775808"
LISTS = [
    "divisions",
    "parks",
    "pairings",
    "departments",
    "industry-chains",
    "projects",
    "work-points",
    "tasks",
]
STATS = ["stats/projects/?group_by=stage", "stats/tasks/?group_by=aspect"]


def client_with_token(user, scope):
    _token, key = create_api_token(name="hostile", user=user, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def writer(official_user, project, task):
    """An official's read-write token; the project and task belong to their department."""
    return client_with_token(official_user, "read_write")


def assert_json_4xx_or_2xx(response, *, allowed=None):
    assert 200 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response.status_code < 300 or response["Content-Type"].startswith("application/json"), (
        response.content[:300]
    )
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert body, response.content
    if allowed:
        assert response.status_code in allowed, (response.status_code, response.content[:300])


def list_url(route, query):
    path, _, fixed = route.partition("?")
    return f"/api/v1/{path}/?{'&'.join(filter(None, [fixed, query]))}"


HOSTILE_QUERIES = [
    "page=99999999999999999999",
    "page=-1",
    "page_size=-1",
    "page_size=abc",
    "ordering=__nonexistent",
    "ordering=-__class__,password",
    "search=" + "字" * 10_000,
    "search=" + "a+" * 5_000,
    "search=%F0%9F%98%80%E2%80%AE%CC%81",  # emoji, right-to-left override, combining mark
    "search=%ED%A0%80",  # a lone surrogate, as UTF-8 bytes
    "search=%FF%FE",  # not UTF-8 at all
    "search=%00",
    "%00=1",
    "year=" + BEYOND_BIGINT,
    "year=1.5",
    "stage=a&stage=b&stage=c",
    "format=nope",
    "&".join(f"x{i}=1" for i in range(2_000)),  # more fields than Django parses
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
@pytest.mark.parametrize("route", LISTS + STATS)
def test_hostile_query_strings_get_4xx_json(writer, route, query):
    response = writer.get(list_url(route, query))
    assert_json_4xx_or_2xx(response)


@pytest.mark.parametrize(
    "url",
    [
        f"projects/?origin={BEYOND_BIGINT}",
        f"projects/?origin_province={BEYOND_BIGINT}",
        f"projects/?park={BEYOND_BIGINT}",
        f"tasks/?work_point={BEYOND_BIGINT}",
        f"tasks/?lead_department=-{BEYOND_BIGINT}",
        f"departments/?division={BEYOND_BIGINT}",
        f"stats/projects/?group_by=park&origin_province={BEYOND_BIGINT}",
        f"stats/tasks/?group_by=department&lead_department={BEYOND_BIGINT}",
        "projects/?search=%00",
    ],
)
def test_overflow_filters_beyond_bigint_match_nothing(writer, url):
    response = writer.get(f"/api/v1/{url}")
    assert_json_4xx_or_2xx(response)
    if response.status_code == 200 and "results" in response.json():
        assert response.json()["results"] == []


@pytest.mark.parametrize("route", LISTS)
@pytest.mark.parametrize(
    "pk", [BEYOND_BIGINT, "99999999999999999999999999", "0", "abc", "%00", "%E5%AD%97"]
)
def test_overflow_details_of_ids_that_cannot_exist_are_json_404(writer, route, pk):
    response = writer.get(f"/api/v1/{route}/{pk}/")
    assert_json_4xx_or_2xx(response, allowed={404})


@pytest.mark.parametrize("path", ["projects", "tasks"])
def test_overflow_updates_of_ids_beyond_bigint_are_json_404(writer, path):
    assert_json_4xx_or_2xx(writer.get(f"/api/v1/{path}/{BEYOND_BIGINT}/updates/"), allowed={404})
    assert_json_4xx_or_2xx(
        writer.post(f"/api/v1/{path}/{BEYOND_BIGINT}/updates/", {}, format="json"),
        allowed={404},
    )


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/api/v1/nope/"),
        ("get", "/api/nope/"),
        ("get", "/api/v1/projects/abc/"),
        ("get", "/api/v1/projects/1/nope/"),
        ("post", "/api/v1/projects"),  # no trailing slash: a RuntimeError with DEBUG on
        ("patch", "/api/v1/tasks/1"),
        ("delete", "/api/v1/nope/"),
    ],
)
def test_unknown_paths_are_json_404_even_with_debug_on(writer, settings, method, url):
    settings.DEBUG = True
    response = getattr(writer, method)(url, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


def test_a_get_without_its_slash_is_still_redirected(writer, settings):
    settings.DEBUG = True
    response = writer.get("/api/v1/projects")
    assert response.status_code == 301 and response["Location"].endswith("/api/v1/projects/")


def test_a_view_404_with_debug_on_is_json_not_the_debug_page(writer, settings):
    settings.DEBUG = True
    response = writer.get(f"/api/v1/projects/{BEYOND_BIGINT}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


DEEP = b"[" * 100_000 + b"]" * 100_000
BODIES = [
    ("application/json", DEEP),
    ("application/json", b'{"name": ' + b"[" * 100_000),
    ("application/json", b'{"name": "x",'),
    ("application/json", b'{"name": "\xff\xfe"}'),
    ("application/json", b'{"name": "\\ud800", "title": "\\udfff"}'),
    ("application/json", b'{"name": "a\\u0000b", "title": "a\\u0000b"}'),
    ("application/json", b"[]"),
    ("application/json", b'"just a string"'),
    ("application/json", b"null"),
    ("application/json", json.dumps({"year": 10**40, "progress": 10**40}).encode()),
    ("application/json", json.dumps({"origin": int(BEYOND_BIGINT)}).encode()),
    ("application/json", json.dumps({"work_point": int(BEYOND_BIGINT)}).encode()),
    ("application/json", json.dumps({"supporting_departments": [int(BEYOND_BIGINT)]}).encode()),
    ("application/json", json.dumps({"total_investment": "1e1000000"}).encode()),
    ("application/json", json.dumps({"funds_in_place": "NaN"}).encode()),
    ("application/json", b'{"total_investment": 1e400, "progress": 1e400}'),
    ("application/json", json.dumps({"reported_on": "99999-01-01"}).encode()),
    ("application/x-www-form-urlencoded", b"name=%ff%fe&year=" + BEYOND_BIGINT.encode()),
    ("multipart/form-data; boundary=xx", b"--xx\r\nbroken"),
    ("multipart/form-data", b"no boundary"),
    ("text/plain", b"hello"),
    ("application/xml", b"<a/>"),
]


@pytest.mark.parametrize("content_type,body", BODIES)
@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "projects/"),
        ("patch", "projects/{project}/"),
        ("put", "projects/{project}/"),
        ("post", "projects/{project}/updates/"),
        ("post", "tasks/"),
        ("patch", "tasks/{task}/"),
        ("post", "tasks/{task}/updates/"),
    ],
)
def test_hostile_bodies_get_4xx_json(writer, project, task, content_type, body, method, path):
    url = "/api/v1/" + path.format(project=project.pk, task=task.pk)
    response = getattr(writer, method)(url, data=body, content_type=content_type)
    assert_json_4xx_or_2xx(response)
    assert response.status_code != 200 or method == "patch", response.content[:300]


def test_deeply_nested_json_is_a_400_saying_so(writer):
    response = writer.post(
        "/api/v1/projects/", data=DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_anonymous_callers_get_401_before_their_body_is_read(db):
    response = APIClient().post("/api/v1/projects/", data=DEEP, content_type="application/json")
    assert response.status_code == 401


def test_a_read_only_token_gets_403_before_its_body_is_read(official_user, project):
    reader = client_with_token(official_user, "read")
    response = reader.patch(
        f"/api/v1/projects/{project.pk}/", data=DEEP, content_type="application/json"
    )
    assert response.status_code == 403


def test_overlong_query_values_are_refused_by_name(writer):
    response = writer.get("/api/v1/tasks/", {"search": "x " * 600}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"search": ["At most 1000 characters."]}


@pytest.mark.parametrize(
    "header", ["HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_IF_MATCH", "HTTP_X_ANYTHING"]
)
def test_huge_header_values_get_an_answer(writer, header):
    response = writer.get("/api/v1/projects/", **{header: "a" * 100_000})
    assert_json_4xx_or_2xx(response)


def test_a_huge_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + "a" * 100_000)
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401 and response.json()["detail"]
