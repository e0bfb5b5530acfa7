"""The same battery for every endpoint: auth, lists, details, exports, constant query counts."""

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tracker.services import create_api_token

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "divisions",
    "parks",
    "pairings",
    "departments",
    "industry-chains",
    "projects",
    "work-points",
    "tasks",
]


@pytest.fixture
def demo_data(demo_once):
    return demo_once


@pytest.fixture
def reader(demo_data, django_user_model):
    user = django_user_model.objects.get(username="demo-commerce")
    _token, key = create_api_token(name="dashboard", user=user, scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_root_lists_every_endpoint(reader):
    root = reader.get("/api/v1/").json()
    assert set(ENDPOINTS) <= set(root)


def test_anonymous_requests_get_401_not_data(db):
    client = APIClient()
    for endpoint in [*ENDPOINTS, "stats/projects", "stats/tasks"]:
        response = client.get(f"/api/v1/{endpoint}/")
        assert response.status_code == 401, endpoint
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/projects/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_browser_session_works_too(demo_data, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="demo-commerce"))
    assert client.get("/api/v1/projects/?page_size=1").status_code == 200


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries), response


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_and_detail_run_constant_queries_and_label_their_links(reader, endpoint):
    reader.get("/api/v1/")  # the token's first use of the minute records it: one more query
    small, _ = queries_for(reader, f"/api/v1/{endpoint}/?page_size=1")
    large, many = queries_for(reader, f"/api/v1/{endpoint}/?page_size=100")
    assert small == large, (endpoint, small, large)
    results = many.json()["results"]
    assert len(results) == min(100, many.json()["count"]) and results
    first = results[0]
    assert "id" in first
    # Every link comes with the name of what it links to.
    for field, value in first.items():
        if isinstance(value, int) and f"{field}_name" in first:
            assert first[f"{field}_name"], (endpoint, field)
    detail_queries, detail = queries_for(reader, f"/api/v1/{endpoint}/{first['id']}/")
    assert detail.json()["id"] == first["id"]
    other = results[-1]["id"]
    assert queries_for(reader, f"/api/v1/{endpoint}/{other}/")[0] == detail_queries


def test_page_size_has_a_documented_maximum(reader):
    response = reader.get("/api/v1/projects/?page_size=100000")
    assert len(response.json()["results"]) == 500 or response.json()["count"] < 500


@pytest.mark.parametrize("endpoint", ["projects", "tasks", "departments"])
def test_lists_answer_as_csv_and_xlsx_with_the_same_filters(reader, endpoint):
    query = {
        "projects": "year=2023&stage=under_construction",
        "tasks": "status=done",
        "departments": "has_liaison_section=true",
    }[endpoint]
    count = reader.get(f"/api/v1/{endpoint}/?{query}").json()["count"]
    csv = reader.get(f"/api/v1/{endpoint}/?{query}&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id,") and len(lines) == count + 1
    xlsx = reader.get(f"/api/v1/{endpoint}/?{query}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == count + 1


def test_schema_and_docs_are_served_without_other_hosts(reader, client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    paths = document["paths"]
    assert "/api/v1/projects/" in paths and "/api/v1/stats/projects/" in paths
    project = document["components"]["schemas"]["Project"]["properties"]
    assert "万元" in project["funds_in_place"]["description"]
    assert {"400", "401", "403", "429"} <= set(paths["/api/v1/projects/"]["post"]["responses"])
    docs = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert any("swagger-ui" in asset for asset in assets)
    assert not [asset for asset in assets if asset.startswith(("http:", "https:", "//"))]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/divisions/?parent=abc&format=csv",
        "/api/v1/work-points/?year=abc&format=xlsx",
        "/api/v1/departments/0/?format=csv",
        "/api/v1/projects/abc/",
    ],
)
def test_errors_are_json_whatever_format_was_asked(reader, url):
    response = reader.get(url)
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_nul_characters_in_queries_are_a_400_not_a_500(reader):
    for url in [
        "/api/v1/projects/?search=a%00b",
        "/api/v1/divisions/?code=%00",
        "/api/v1/stats/tasks/?group_by=aspect&status=%00",
    ]:
        response = reader.get(url)
        assert response.status_code == 400, url
