"""The input rules users expect: sane years, funds within the total, one-line names, real
email addresses; refused by the models' clean() (admin, services, imports) and the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from core.validators import is_email_address, is_one_line
from projects.choices import Stage
from tracker.services import create_api_token

pytestmark = pytest.mark.django_db

FUNDS_MESSAGE = (
    "Funds in place cannot exceed the total investment; raise the total investment first."
)
ONE_LINE_MESSAGE = "Write this on one line, without line breaks or control characters."


@pytest.fixture
def writer(official_user):
    _token, key = create_api_token(name="rules", user=official_user, scope="read_write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def errors_of(instance):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            instance.full_clean()
        return {
            field: [str(message) for message in messages]
            for field, messages in caught.value.message_dict.items()
        }


@pytest.mark.parametrize(
    "text", ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x85b", "a\u2028b", "\x1b[31m"]
)
def test_line_breaks_and_control_characters_are_not_one_line(text):
    assert not is_one_line(text)


@pytest.mark.parametrize("text", ["", "数字化工厂项目", "Zhongguancun (中关村) · 2023", "a b"])
def test_names_with_spaces_and_any_script_are_one_line(text):
    assert is_one_line(text)


@pytest.mark.parametrize(
    "address,ok",
    [
        ("swj@dezhou.gov.cn", True),
        ("zhang.san+tracker@mail.dezhou.gov.cn", True),
        ('"zhang san"@dezhou.gov.cn', False),
        ("zhang@[10.0.0.1]", False),
        ("zhang@localhost", False),
        ("zhang@dezhou", False),
        ("zhang@dezhou.gov.cn, li@dezhou.gov.cn", False),
        ("zhang@dezhou.gov.cn\n", False),
    ],
)
def test_email_addresses_are_one_plain_address(address, ok):
    assert is_email_address(address) is ok


# Model level: every clean() that owns a name, title or year.


def test_project_rules_at_model_level(project):
    project.year, project.name, project.investor, project.code = 1999, "a\nb", "x\ty", "C\r1"
    project.funds_in_place = project.total_investment + 1
    errors = errors_of(project)
    assert errors["year"] == ["Enter a year from 2000 to 2100."]
    assert errors["funds_in_place"] == [FUNDS_MESSAGE]
    for field in ("name", "investor", "code"):
        assert errors[field] == [ONE_LINE_MESSAGE]


def test_funds_equal_to_the_total_are_fine(project):
    project.funds_in_place = project.total_investment
    project.full_clean()


def test_key_task_and_work_point_rules_at_model_level(task, work_point):
    task.year, task.title, task.code = 2101, "标题\n第二行", "KT\x00"
    errors = errors_of(task)
    assert errors["year"] == ["Enter a year from 2000 to 2100."]
    assert errors["title"] == errors["code"] == [ONE_LINE_MESSAGE]
    work_point.year, work_point.title = 20230, "推进\u2028招商"
    errors = errors_of(work_point)
    assert errors["year"] == ["Enter a year from 2000 to 2100."]
    assert errors["title"] == [ONE_LINE_MESSAGE]


def test_department_rules_at_model_level(department):
    department.name, department.short_name = "德州市\n商务局", "商务局\t"
    department.email = "swj@localhost"  # Django's own check lets this through
    errors = errors_of(department)
    assert errors["name"] == errors["short_name"] == [ONE_LINE_MESSAGE]
    assert errors["email"] == ["Enter one email address such as name@dezhou.gov.cn."]


def test_a_bad_email_gets_one_message_not_two(department):
    department.email = "not an address"
    assert len(errors_of(department)["email"]) == 1


def test_region_and_chain_names_at_model_level(dezhou, lingcheng):
    from projects.choices import IndustryChainGroup
    from projects.models import IndustryChain
    from regions.choices import ParkKind
    from regions.models import Park

    dezhou.name = "德州\n市"
    assert errors_of(dezhou)["name"] == [ONE_LINE_MESSAGE]
    park = Park(name="经济\r开发区", kind=ParkKind.NATIONAL_DEVELOPMENT_ZONE, division=lingcheng)
    assert errors_of(park)["name"] == [ONE_LINE_MESSAGE]
    chain = IndustryChain(name="新能源\n汽车", group=IndustryChainGroup.values[0])
    assert errors_of(chain)["name"] == [ONE_LINE_MESSAGE]


# API: a 400 with the message on the field.


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("year", 1999, "Ensure this value is greater than or equal to 2000."),
        ("year", 2101, "Ensure this value is less than or equal to 2100."),
        ("name", "数字化\n工厂", ONE_LINE_MESSAGE),
        ("investor", "北京\t恒瑞", ONE_LINE_MESSAGE),
        ("code", "DZ\x0b1", ONE_LINE_MESSAGE),
        ("funds_in_place", "60000.00", FUNDS_MESSAGE),
    ],
)
def test_api_refuses_bad_project_input_on_its_field(writer, project, field, value, message):
    response = writer.patch(f"/api/v1/projects/{project.pk}/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field] == [message]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("year", 3023, "Ensure this value is less than or equal to 2100."),
        ("title", "制定\r\n清单", ONE_LINE_MESSAGE),
        ("code", "K\u2029T", ONE_LINE_MESSAGE),
    ],
)
def test_api_refuses_bad_task_input_on_its_field(writer, task, field, value, message):
    response = writer.patch(f"/api/v1/tasks/{task.pk}/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field] == [message]


def test_a_report_with_funds_above_the_total_is_refused_by_the_api(writer, project):
    response = writer.post(
        f"/api/v1/projects/{project.pk}/updates/",
        {"reported_on": "2023-05-05", "stage": Stage.SIGNED, "funds_in_place": "52000.01"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"funds_in_place": [FUNDS_MESSAGE]}
    project.refresh_from_db()
    assert project.funds_in_place == 0 and not project.updates.exists()


def test_a_report_with_funds_above_the_total_is_refused_in_the_admin(
    client, official_user, project
):
    client.force_login(official_user)
    response = client.post(
        reverse("admin:projects_project_report", args=[project.pk]),
        {"reported_on": "2023-05-05", "stage": Stage.SIGNED, "funds_in_place": "60000"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["funds_in_place"] == [FUNDS_MESSAGE]
    project.refresh_from_db()
    assert project.funds_in_place == Decimal("0") and not project.updates.exists()


def test_a_report_within_the_total_is_recorded(writer, project):
    response = writer.post(
        f"/api/v1/projects/{project.pk}/updates/",
        {"reported_on": "2023-05-05", "stage": Stage.SIGNED, "funds_in_place": "52000.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
