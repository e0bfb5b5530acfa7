"""/api/v1/rankings/: 401 without credentials, 400 naming each wrong parameter, the answer's
shape, the schema, and a bounded number of queries."""

import datetime
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from performance.models import Target
from performance.tests.test_rankings import counties  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/rankings/"


@pytest.fixture
def reader(api_client_for, official_user):
    return api_client_for(official_user, scope="read")


def test_anonymous_callers_get_401():
    response = APIClient().get(URL)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "day"}, "period"),
        ({"unit": "province"}, "unit"),
        ({"date": "2023-1-5"}, "date"),
        ({"date": "31/12/2023"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"date": "2101-01-01"}, "date"),
        ({"date": "0001-01-01"}, "date"),
        ({"period": "week\x00"}, "period"),
    ],
)
def test_a_wrong_parameter_is_a_400_naming_it(reader, query, field):
    response = reader.get(URL, query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_date_range_is_told(reader):
    # The Chinese is in locale/pending/rankings.py until the catalogue is merged.
    (message,) = reader.get(URL, {"date": "1999-12-31"}).json()["date"]
    assert "2000" in message and "2100" in message


def test_the_ranking_of_the_counties_for_a_month(reader, counties):  # noqa: F811
    response = reader.get(URL, {"period": "month", "date": "2023-11-15", "unit": "county"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["kind"] == "month"
    assert (body["period"]["start"], body["period"]["end"]) == ("2023-11-01", "2023-11-30")
    assert body["unit"] == "county"
    assert body["weights"]["funds_in_place"] == 30 and body["weights"]["rate_cap"] == "1.20"
    first = body["results"][0]
    assert (first["name"], first["code"], first["score"], first["rank"]) == (
        "德城区",
        "371402",
        "120.00",
        1,
    )
    assert first["rate"]["signed"] == "1.5000" and first["rate"]["started"] is None
    assert first["year_to_date"]["funds_in_place"] == "0.00"
    assert first["target"] == {
        "signed": 2,
        "started": None,
        "producing": None,
        "funds_in_place": None,
        "jjj_projects": None,
    }
    assert (first["previous_rank"], first["rank_change"], first["list"]) == (1, 0, "red")
    assert first["on_time_rate"] is None and first["overdue_tasks"] is None
    assert [row["list"] for row in body["results"]] == ["red", "red", "black", ""]


def test_defaults_a_month_of_today_for_the_counties(reader, lingcheng):
    body = reader.get(URL, {"period": "", "date": "", "unit": ""}).json()
    today = timezone.localdate()
    assert body["period"]["kind"] == "month" and body["unit"] == "county"
    assert body["period"]["start"] == today.replace(day=1).isoformat()
    assert [row["name"] for row in body["results"]] == ["陵城区"]


def test_the_departments_with_their_discipline(reader, department):
    Target.objects.create(year=2023, department=department, signed_projects=3)
    body = reader.get(URL, {"period": "year", "date": "2023-12-31", "unit": "department"}).json()
    assert body["period"]["label"]
    row = body["results"][0]
    assert row["name"] == department.name and row["code"] == ""
    assert row["overdue_tasks"] == 0 and row["on_time_rate"] is None
    assert row["rate"]["signed"] == "0.0000"


def test_a_spreadsheet_of_the_rows_on_request(reader, counties):  # noqa: F811
    response = reader.get(URL, {"date": "2023-11-15", "format": "csv"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,name,code,year_to_date.signed")
    assert len(lines) == 5 and "德城区" in lines[1]


def test_read_only(reader):
    assert reader.post(URL, {}).status_code in (403, 405)


def test_the_schema_documents_the_parameters_and_the_answer(reader):
    schema = reader.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters["period"]["schema"]["enum"]) == {"week", "month", "year"}
    assert set(parameters["unit"]["schema"]["enum"]) == {"county", "department", "city"}
    # A date within the years the query reads, spelled out (format "date" would promise
    # 2699-09-21, which the query refuses).
    date = re.compile(parameters["date"]["schema"]["pattern"])
    assert date.fullmatch("2024-02-29") and date.fullmatch("2100-12-31")
    assert not date.fullmatch("2699-09-21") and not date.fullmatch("2023-02-29")
    assert {"200", "400", "401"} <= set(operation["responses"])
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"period", "unit", "weights", "results"}
    rows = schema["components"]["schemas"]["RankingRow"]["properties"]
    assert rows["on_time_rate"]["pattern"] == r"^-?\d+\.\d{4}$" and rows["on_time_rate"]["nullable"]
    lists = [
        value
        for choice in rows["list"]["oneOf"]
        for value in schema["components"]["schemas"][choice["$ref"].rsplit("/", 1)[1]]["enum"]
    ]
    assert sorted(lists) == ["", "black", "red"]
    assert set(schema["paths"][URL]) == {"get"}


def test_a_bounded_number_of_queries(reader, counties, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(45):  # the token, then the ranking and the one before
        response = reader.get(URL, {"date": datetime.date(2023, 11, 15).isoformat()})
    assert len(response.json()["results"]) == 4
