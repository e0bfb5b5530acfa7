"""/api/v1/targets/: everyone signed in reads, supervisors write, errors field by field."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from performance.models import Target

from .test_targets import grants, state  # noqa: F401  (grants: the roles' permissions)

pytestmark = pytest.mark.django_db
URL = "/api/v1/targets/"


@pytest.fixture
def targets(lingcheng, decheng, department):
    return [
        Target.objects.create(
            year=2023, division=lingcheng, signed_projects=20, funds_in_place=Decimal("1500.5")
        ),
        Target.objects.create(year=2024, division=decheng, started_projects=4),
        Target.objects.create(year=2023, department=department, signed_projects=8),
    ]


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_callers_get_401(targets):
    client = APIClient()
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}{targets[0].pk}/").status_code == 401
    before = state()
    assert client.post(URL, {"year": 2025}, format="json").status_code == 401
    assert client.delete(f"{URL}{targets[0].pk}/").status_code == 401
    assert state() == before


def test_officials_read_every_target(official_user, targets):
    client = as_user(official_user)
    assert ids(client.get(URL)) == {t.pk for t in targets}
    detail = client.get(f"{URL}{targets[0].pk}/").json()
    assert detail["unit"] == "county"
    assert (detail["division_name"], detail["division_code"]) == ("陵城区", "371403")
    assert detail["funds_in_place"] == "1500.50"
    assert detail["started_projects"] is None
    assert detail["created_at"] and detail["updated_at"]


def test_officials_may_not_write(official_user, targets, lingcheng):
    client = as_user(official_user)
    before = state()
    created = client.post(URL, {"year": 2025, "division": lingcheng.pk}, format="json")
    patched = client.patch(f"{URL}{targets[0].pk}/", {"signed_projects": 1}, format="json")
    deleted = client.delete(f"{URL}{targets[0].pk}/")
    assert (created.status_code, patched.status_code, deleted.status_code) == (403, 403, 403)
    assert state() == before


def test_a_supervisor_creates_changes_and_deletes(supervisor_user, lingcheng, department):
    client = as_user(supervisor_user)
    created = client.post(
        URL,
        {"year": 2025, "division": lingcheng.pk, "signed_projects": 9, "funds_in_place": "800"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["unit"], body["signed_projects"], body["funds_in_place"]) == (
        "county",
        9,
        "800.00",
    )
    target = Target.objects.get(pk=body["id"])
    changed = client.patch(f"{URL}{target.pk}/", {"jjj_projects": 3}, format="json")
    assert changed.status_code == 200 and changed.json()["jjj_projects"] == 3
    assert Target.objects.get(pk=target.pk).jjj_projects == 3
    department_target = client.post(URL, {"year": 2025, "department": department.pk})
    assert department_target.json()["unit"] == "department"
    assert client.delete(f"{URL}{target.pk}/").status_code == 204
    assert not Target.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 1900}, "year"),
        ({"year": "二〇二五"}, "year"),
        ({"signed_projects": -1}, "signed_projects"),
        ({"funds_in_place": "1e30"}, "funds_in_place"),
        ({"note": "第一行\n第二行"}, "note"),
        ({"division": None}, "division"),  # neither a county nor a department
        ({"department": "department"}, "division"),  # both
        ({"division": "dezhou"}, "division"),  # a city, not a county
        ({"division": 10**20}, "division"),
    ],
)
def test_bad_input_is_refused_field_by_field(request, supervisor_user, lingcheng, body, field):
    values = {"year": 2025, "division": lingcheng.pk}
    for name, value in body.items():
        if isinstance(value, str) and value in ("department", "dezhou"):
            value = request.getfixturevalue(value).pk
        values[name] = value
    response = as_user(supervisor_user).post(URL, values, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Target.objects.exists()


def test_a_second_target_for_the_same_unit_and_year_is_refused(supervisor_user, targets):
    response = as_user(supervisor_user).post(
        URL, {"year": 2023, "division": targets[0].division_id}, format="json"
    )
    assert response.status_code == 400 and "division" in response.json()
    assert Target.objects.count() == 3


def test_a_read_only_token_may_not_write(supervisor_user, api_client_for, lingcheng):
    client = api_client_for(supervisor_user, scope="read")
    assert client.get(URL).status_code == 200
    refused = client.post(URL, {"year": 2025, "division": lingcheng.pk}, format="json")
    assert refused.status_code == 403
    assert not Target.objects.exists()


def test_filters(official_user, targets, decheng, department):
    client = as_user(official_user)
    county, later, by_department = targets
    assert ids(client.get(URL, {"year": 2023})) == {county.pk, by_department.pk}
    assert ids(client.get(URL, {"unit": "county"})) == {county.pk, later.pk}
    assert ids(client.get(URL, {"unit": "department"})) == {by_department.pk}
    assert ids(client.get(URL, {"division": decheng.pk})) == {later.pk}
    assert ids(client.get(URL, {"department": department.pk})) == {by_department.pk}
    assert ids(client.get(URL, {"division": 10**6})) == set()
    assert client.get(URL, {"unit": "province"}).status_code == 400
    assert client.get(URL, {"year": "2023.5"}).status_code == 400


def test_the_list_takes_a_fixed_number_of_queries(
    official_user, targets, django_assert_max_num_queries
):
    client = as_user(official_user)
    client.get(URL)  # the session and the token's first reads
    with django_assert_max_num_queries(4):
        assert len(ids(client.get(URL))) == 3


def test_the_schema_documents_the_targets(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = schema["paths"]["/api/v1/targets/"]
    assert {"get", "post"} <= set(operations)
    parameters = {p["name"] for p in operations["get"]["parameters"]}
    assert {"year", "unit", "division", "department"} <= parameters
    fields = schema["components"]["schemas"]["Target"]["properties"]
    assert {"created_at", "updated_at", "unit", "funds_in_place"} <= set(fields)
