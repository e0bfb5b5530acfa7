"""Funds in place are cumulative; a correction says why; a capital increase (增资) raises
the same project's total investment (docs/duplicates.md, "Funds on reports"). The same rules
in the service, the API, the admin's report page and the phone's form."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.choices import Stage
from projects.models import Project, ProjectUpdate
from projects.services import record_project_update

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2023, 12, 31)
MARCH, MAY = datetime.date(2023, 3, 1), datetime.date(2023, 5, 5)


def record(project, **overrides):
    fields = {
        "project": project,
        "reported_on": MAY,
        "stage": Stage.UNDER_CONSTRUCTION,
        "funds_in_place": Decimal("8000"),
        "today": TODAY,
    }
    fields.update(overrides)
    return record_project_update(**fields)


@pytest.fixture
def funded(project):
    """The project (total 52,000 万元) under construction with 10,000 万元 in place."""
    record(project, reported_on=MARCH, funds_in_place=Decimal("10000"))
    project.refresh_from_db()
    return project


def stored(project):
    return Project.objects.values().get(pk=project.pk)


def test_lower_funds_without_correction_are_refused_and_nothing_changes(funded):
    before = stored(funded)
    with pytest.raises(ValidationError) as error:
        record(funded, funds_in_place=Decimal("9999.99"), note="填错了")
    assert list(error.value.message_dict) == ["funds_in_place"]
    assert "10,000.00" in error.value.message_dict["funds_in_place"][0]
    assert stored(funded) == before
    assert funded.updates.count() == 1


def test_equal_or_higher_funds_need_no_correction(funded):
    record(funded, funds_in_place=Decimal("10000"))
    record(funded, reported_on=datetime.date(2023, 6, 1), funds_in_place=Decimal("12000"))
    funded.refresh_from_db()
    assert funded.funds_in_place == Decimal("12000")


def test_a_correction_needs_a_note(funded):
    before = stored(funded)
    with pytest.raises(ValidationError) as error:
        record(funded, funds_in_place=Decimal("9000"), is_correction=True, note="  ")
    assert list(error.value.message_dict) == ["note"]
    assert stored(funded) == before


def test_a_correction_with_its_reason_lowers_the_funds(funded, official_user):
    report = record(
        funded,
        funds_in_place=Decimal("9000"),
        is_correction=True,
        note="3月误将计划资金计入到位资金",
        author=official_user,
    )
    funded.refresh_from_db()
    assert funded.funds_in_place == Decimal("9000")
    assert report.is_correction and report.note.startswith("3月")


def test_a_capital_increase_raises_the_total_investment_of_the_same_project(funded):
    count = Project.objects.count()
    # 60,000 in place is more than the old total (52,000): allowed by the increase.
    report = record(funded, funds_in_place=Decimal("60000"), capital_increase=Decimal("20000.50"))
    funded.refresh_from_db()
    assert funded.total_investment == Decimal("72000.50")
    assert funded.funds_in_place == Decimal("60000")
    assert report.capital_increase == Decimal("20000.50")
    assert Project.objects.count() == count


def test_funds_above_the_raised_total_are_still_refused(funded):
    before = stored(funded)
    with pytest.raises(ValidationError) as error:
        record(funded, funds_in_place=Decimal("60000"), capital_increase=Decimal("1000"))
    assert "funds_in_place" in error.value.message_dict
    assert stored(funded) == before


def test_a_negative_capital_increase_is_refused(funded):
    before = stored(funded)
    with pytest.raises(ValidationError) as error:
        record(funded, capital_increase=Decimal("-1"))
    assert "capital_increase" in error.value.message_dict
    assert stored(funded) == before


# The API ------------------------------------------------------------------------------


def api_post(api_client_for, user, project, **body):
    data = {"reported_on": MAY.isoformat(), "stage": Stage.UNDER_CONSTRUCTION, **body}
    return api_client_for(user).post(f"/api/v1/projects/{project.pk}/updates/", data, format="json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"funds_in_place": "9000"}, "funds_in_place"),
        ({"funds_in_place": "9000", "is_correction": True}, "note"),
        ({"funds_in_place": "10000", "capital_increase": "-5"}, "capital_increase"),
        ({"funds_in_place": "10000", "capital_increase": "1e20"}, "capital_increase"),
        ({"funds_in_place": "60000", "capital_increase": "100"}, "funds_in_place"),
    ],
)
def test_the_api_names_the_field_and_changes_nothing(
    api_client_for, official_user, funded, body, field
):
    before = stored(funded)
    response = api_post(api_client_for, official_user, funded, **body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert stored(funded) == before
    assert ProjectUpdate.objects.count() == 1


def test_the_api_records_a_correction_and_a_capital_increase(api_client_for, official_user, funded):
    response = api_post(
        api_client_for,
        official_user,
        funded,
        funds_in_place="9500",
        is_correction=True,
        capital_increase="8000",
        note="更正：上月重复统计500万元；另增资8000万元",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_correction"] is True
    assert Decimal(body["capital_increase"]) == Decimal("8000")
    funded.refresh_from_db()
    assert (funded.funds_in_place, funded.total_investment) == (Decimal("9500"), Decimal("60000"))
    detail = api_client_for(official_user).get(f"/api/v1/projects/{funded.pk}/").json()
    assert detail["updates"][0]["is_correction"] is True


def test_the_schema_describes_the_new_fields(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    status = schema["components"]["schemas"]["ProjectStatusRequest"]["properties"]
    assert status["is_correction"]["type"] == "boolean"
    assert "capital_increase" in status
    assert "capital_increase" in schema["components"]["schemas"]["ProjectUpdate"]["properties"]


# The admin's report page and the phone's form --------------------------------------------


def admin_report(client, project, **data):
    url = reverse("admin:projects_project_report", args=[project.pk])
    payload = {"reported_on": MAY.isoformat(), "stage": Stage.UNDER_CONSTRUCTION, **data}
    return client.post(url, payload)


def test_the_admin_form_shows_the_refusal_on_the_field(client, official_user, funded):
    client.force_login(official_user)
    before = stored(funded)
    response = admin_report(client, funded, funds_in_place="9000", note="")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"funds_in_place"}
    assert stored(funded) == before
    response = admin_report(client, funded, funds_in_place="9000", is_correction="on")
    assert response.context["form"].errors.keys() == {"note"}
    assert stored(funded) == before


def test_the_admin_form_records_a_correction_and_a_capital_increase(client, official_user, funded):
    client.force_login(official_user)
    page = client.get(reverse("admin:projects_project_report", args=[funded.pk]))
    assert 'name="is_correction"' in page.content.decode()
    assert 'name="capital_increase"' in page.content.decode()
    response = admin_report(
        client,
        funded,
        funds_in_place="9000",
        is_correction="on",
        capital_increase="",  # an empty box is no increase
        note="更正重复填报",
    )
    assert response.status_code == 302
    response = admin_report(client, funded, funds_in_place="9000", capital_increase="1000")
    assert response.status_code == 302
    funded.refresh_from_db()
    assert (funded.funds_in_place, funded.total_investment) == (Decimal("9000"), Decimal("53000"))
    assert [u.is_correction for u in funded.updates.all()] == [False, True, False]


def test_the_phone_form_applies_the_same_rules(client, official_user, project):
    record(project, reported_on=MARCH, funds_in_place=Decimal("10000"), today=None)
    client.force_login(official_user)
    url = reverse("mobile:project", args=[project.pk])
    page = client.get(url).content.decode()
    assert 'name="is_correction"' in page and 'name="capital_increase"' in page
    data = {"stage": Stage.UNDER_CONSTRUCTION, "funds_in_place": "9000", "note": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors.keys() == {"funds_in_place"}
    done = client.post(url, {**data, "funds_in_place": "10000", "capital_increase": "500"})
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.total_investment == Decimal("52500")
