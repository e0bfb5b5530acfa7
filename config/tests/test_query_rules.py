"""A query the schema calls invalid is refused (400 or 404, naming the parameter); a valid
one is answered. The schemathesis contract checks both directions at random; these are
the cases it found, kept as examples."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tracker.services import create_api_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(official_user, project, task):
    _token, key = create_api_token(name="queries", user=official_user, scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def errors(response, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    return json.loads(response.content)


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/tasks/?overdue=null", "overdue"),
        ("/api/v1/tasks/?open=yes", "open"),
        ("/api/v1/tasks/?due_soon=1", "due_soon"),
        ("/api/v1/departments/?has_liaison_section=True", "has_liaison_section"),
        ("/api/v1/projects/?is_key=2", "is_key"),
        ("/api/v1/stats/projects/?group_by=stage&milestone_overdue=unknown", "milestone_overdue"),
        ("/api/v1/tasks/?lead_department=12.0", "lead_department"),
        ("/api/v1/projects/?year=%202023", "year"),
        ("/api/v1/departments/?division=1e3", "division"),
        ("/api/v1/tasks/?deadline_before=10/25/2023", "deadline_before"),
        ("/api/v1/tasks/?deadline_after=2023-1-5", "deadline_after"),
    ],
)
def test_a_yes_no_or_number_filter_takes_what_the_schema_says(reader, url, field):
    assert list(errors(reader.get(url))) == [field]


def test_true_false_and_empty_filter_as_documented(reader, task):
    def codes(query):
        response = reader.get(f"/api/v1/tasks/?{query}")
        assert response.status_code == 200, response.content[:300]
        return sorted(row["code"] for row in response.json()["results"])

    everything = codes("")
    assert codes("open=") == everything == [task.code]
    assert codes("open=true") == [task.code]  # not started: still owed
    assert codes("open=false") == []


@pytest.mark.parametrize(
    "query",
    ["page=1&page=2", "page_size=10&page_size=20", "search=a&search=b", "stage=lead&stage=signed"],
)
def test_a_parameter_given_twice_is_a_400_naming_it(reader, query):
    name = query.partition("=")[0]
    assert errors(reader.get(f"/api/v1/projects/?{query}")) == {name: ["参数只能给出一次。"]}


@pytest.mark.parametrize("url", ["/api/v1/projects/", "/api/v1/work-points/?format=csv"])
@pytest.mark.parametrize("page", ["0", "-3", "abc", "", "last"])
def test_a_page_number_is_a_whole_number_of_at_least_1_even_in_an_export(reader, url, page):
    joiner = "&" if "?" in url else "?"
    assert list(errors(reader.get(f"{url}{joiner}page={page}"))) == ["page"]


@pytest.mark.parametrize("route", ["projects", "tasks", "departments", "divisions", "parks"])
def test_an_empty_format_is_as_unknown_as_a_wrong_one(reader, project, task, route):
    pk = {"projects": project.pk, "tasks": task.pk}.get(route)
    base = f"/api/v1/{route}/" + (f"{pk}/" if pk else "")
    for query in ("format=", "format=nope"):
        response = reader.get(f"{base}?{query}")
        assert response.status_code == 404, (query, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
    assert reader.get(f"{base}?format=json").status_code == 200


def test_anonymous_callers_get_401_before_their_query_is_judged(db):
    for url in ("/api/v1/projects/?search=%00", "/api/v1/tasks/?page=1&page=2"):
        assert Client().get(url).status_code == 401


def test_the_statistics_document_the_filters_of_their_list(reader):
    schema = reader.get("/api/schema/?format=json").json()

    def parameters(path):
        return {
            parameter["name"]: parameter["schema"]
            for parameter in schema["paths"][path]["get"]["parameters"]
        }

    for stats, listing in (
        ("/api/v1/stats/projects/", "/api/v1/projects/"),
        ("/api/v1/stats/tasks/", "/api/v1/tasks/"),
    ):
        stats_parameters, list_parameters = parameters(stats), parameters(listing)
        shared = set(stats_parameters) - {"group_by"}
        assert shared and shared <= set(list_parameters)
        for name in shared:
            assert stats_parameters[name] == list_parameters[name], name
    assert parameters("/api/v1/stats/projects/")["stage"]["enum"]
    assert parameters("/api/v1/stats/tasks/")["overdue"] == {"type": "boolean"}
    assert parameters("/api/v1/projects/")["search"]["pattern"] == "^[^\\u0000]*$"


def test_an_empty_filter_is_not_given_and_the_schema_says_so(reader, task):
    assert reader.get("/api/v1/tasks/?deadline_before=&year=&search=").json()["count"] == 1
    schema = reader.get("/api/schema/?format=json").json()
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]
    }
    assert parameters["deadline_before"]["allowEmptyValue"] is True
    assert parameters["year"]["allowEmptyValue"] is True
    for name in ("page", "page_size", "format"):
        assert "allowEmptyValue" not in parameters[name]
