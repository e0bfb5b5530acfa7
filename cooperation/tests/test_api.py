"""The cooperation ledger over the API: the department rule on items (the generic matrix,
declared), reports, landing as a project, counterparts (supervisors write) and agreement
areas (the agreement's department writes)."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cooperation.choices import CooperationKind, CooperationState, CounterpartKind
from cooperation.models import AgreementArea, CooperationItem, CooperationUpdate, Counterpart
from core.testing.permissions import OwnedApiCases

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/cooperation-items/"
COUNTERPARTS = "/api/v1/counterparts/"
AREAS = "/api/v1/agreement-areas/"


@pytest.fixture
def chaoyang_district(beijing):
    from regions.choices import DivisionLevel
    from regions.models import Division

    return Division.objects.create(
        code="110105", name="朝阳区", level=DivisionLevel.DISTRICT, parent=beijing
    )


@pytest.fixture
def chaoyang(chaoyang_district):
    return Counterpart.objects.create(
        name="北京市朝阳区人民政府", kind=CounterpartKind.DISTRICT, division=chaoyang_district
    )


@pytest.fixture
def agreement(department, chaoyang):
    item = CooperationItem.objects.create(
        code="XY-2023-001",
        title="德州市与朝阳区战略合作框架协议",
        kind=CooperationKind.AGREEMENT,
        year=2023,
        department=department,
        state=CooperationState.IN_PROGRESS,
        started_on=datetime.date(2023, 3, 1),
    )
    item.counterparts.set([chaoyang])
    return item


@pytest.fixture
def item(department, lingcheng):
    return CooperationItem.objects.create(
        code="HZ-2023-001",
        title="共建京津冀协同创新平台",
        kind=CooperationKind.PLATFORM,
        year=2023,
        department=department,
        division=lingcheng,
    )


@pytest.fixture
def other_item(other_department):
    return CooperationItem.objects.create(
        code="HZ-2023-002",
        title="别的部门的合作事项",
        kind=CooperationKind.ACHIEVEMENT,
        year=2023,
        department=other_department,
    )


class TestCooperationItemApiPermissions(OwnedApiCases):
    pytestmark = pytest.mark.django_db
    model = CooperationItem
    owner_field = "department"
    own_fixture, other_fixture = "item", "other_item"
    edit = {"title": "新的合作事项名称"}
    report_model = CooperationUpdate
    report_data = {"reported_on": "2023-05-05", "state": "in_progress", "note": "签约"}

    def new_record(self, own):
        return {
            "code": "HZ-NEW-1",
            "title": "新的合作事项",
            "kind": CooperationKind.TALENT,
            "year": 2023,
            "people": 12,
        }

    def assert_reported(self, item, data):
        assert item.state == data["state"]
        assert item.started_on == datetime.date.fromisoformat(data["reported_on"])


@pytest.fixture
def client_for(api_client_for):
    return api_client_for


def test_an_item_reads_with_the_names_of_what_it_links_to(
    client_for, official_user, agreement, item, chaoyang, project
):
    AgreementArea.objects.create(agreement=agreement, number=1, title="科技创新")
    item.agreement, item.area = agreement, agreement.areas.get()
    item.project = project
    item.save()
    item.counterparts.set([chaoyang])
    body = client_for(official_user, "read").get(f"{ITEMS}{item.pk}/").json()
    assert body["kind_label"] == "创新平台" or body["kind_label"]
    assert body["department_name"] == "市商务局"
    assert body["division_name"] == "陵城区"
    assert body["agreement_code"] == "XY-2023-001"
    assert body["area_number"] == 1 and body["area_title"] == "科技创新"
    assert body["project_code"] == "DZ-2023-001" and body["project_name"] == "数字化工厂项目"
    assert body["project_total_investment"] == "52000.00"
    assert body["counterpart_details"] == [
        {
            "id": chaoyang.pk,
            "name": "北京市朝阳区人民政府",
            "kind": "district",
            "kind_label": body["counterpart_details"][0]["kind_label"],
            "province": chaoyang.division.parent_id,
            "province_name": "北京市",
        }
    ]
    assert body["created_at"] and body["updated_at"] and body["version"] == 1


def test_creating_with_counterparts_goes_through_the_service(
    client_for, official_user, department, chaoyang
):
    response = client_for(official_user).post(
        ITEMS,
        {
            "code": "HZ-API-1",
            "title": "引进京津冀科技成果",
            "kind": "achievement",
            "year": 2023,
            "department": department.pk,
            "counterparts": [chaoyang.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = CooperationItem.objects.get(code="HZ-API-1")
    assert list(created.counterparts.all()) == [chaoyang]
    assert created.history.latest().history_user == official_user


def test_bad_input_is_a_400_field_by_field_and_writes_nothing(
    client_for, official_user, department, agreement, item
):
    other_area = AgreementArea.objects.create(agreement=agreement, number=2, title="医疗")
    client = client_for(official_user)
    response = client.post(
        ITEMS,
        {
            "code": "HZ\n001",
            "title": "",
            "kind": "nonsense",
            "year": 1800,
            "department": department.pk,
            "investment": "-1",
            "counterparts": [999999],
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert {"code", "title", "kind", "year", "investment", "counterparts"} <= set(response.json())
    # The model's rules, through the service: an area of no agreement the item is under.
    refused = client.patch(f"{ITEMS}{item.pk}/", {"area": other_area.pk}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["area"]
    assert CooperationItem.objects.count() == 2
    item.refresh_from_db()
    assert item.area_id is None and item.version == 1


def test_once_reported_the_state_changes_only_through_a_report(client_for, official_user, item):
    client = client_for(official_user)
    report = {"reported_on": "2023-05-05", "state": "in_progress", "note": "启动"}
    assert client.post(f"{ITEMS}{item.pk}/updates/", report, format="json").status_code == 201
    refused = client.patch(f"{ITEMS}{item.pk}/", {"state": "stopped"}, format="json")
    assert refused.status_code == 400 and "state" in refused.json()
    achieved = {"reported_on": "2023-06-01", "state": "achieved"}
    assert client.post(f"{ITEMS}{item.pk}/updates/", achieved, format="json").status_code == 201
    item.refresh_from_db()
    assert item.state == "achieved" and item.achieved_on == datetime.date(2023, 6, 1)
    listed = client.get(f"{ITEMS}{item.pk}/updates/").json()["results"]
    assert [row["state"] for row in listed] == ["achieved", "in_progress"]
    assert client.get(f"{ITEMS}{item.pk}/").json()["last_reported_on"] == "2023-06-01"


def test_linking_a_project_lands_the_item(client_for, official_user, item, project):
    response = client_for(official_user).patch(
        f"{ITEMS}{item.pk}/", {"project": project.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert item.project == project and item.state == CooperationState.ACHIEVED
    assert list(project.cooperation_items.all()) == [item]


def test_a_stale_if_match_is_refused(client_for, official_user, item):
    client = client_for(official_user)
    url = f"{ITEMS}{item.pk}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"title": "一"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch(url, {"title": "二"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    item.refresh_from_db()
    assert item.title == "一"


# -- Counterparts: reference data --------------------------------------------------------


def test_everyone_signed_in_reads_counterparts_nobody_else(client_for, official_user, chaoyang):
    assert APIClient().get(COUNTERPARTS).status_code == 401
    body = client_for(official_user, "read").get(COUNTERPARTS).json()
    assert [row["name"] for row in body["results"]] == [chaoyang.name]
    assert body["results"][0]["province_name"] == "北京市"
    assert body["results"][0]["created_at"] and body["results"][0]["updated_at"]


def test_only_supervisors_write_counterparts(client_for, official_user, supervisor_user, chaoyang):
    new = {"name": "清华大学", "kind": "university"}
    refused = client_for(official_user).post(COUNTERPARTS, new, format="json")
    assert refused.status_code == 403
    renamed = client_for(official_user).patch(
        f"{COUNTERPARTS}{chaoyang.pk}/", {"name": "HACKED"}, format="json"
    )
    assert renamed.status_code == 403
    assert Counterpart.objects.get().name == "北京市朝阳区人民政府"
    created = client_for(supervisor_user).post(COUNTERPARTS, new, format="json")
    assert created.status_code == 201, created.json()
    duplicate = client_for(supervisor_user).post(COUNTERPARTS, new, format="json")
    assert duplicate.status_code == 400 and list(duplicate.json()) == ["name"]
    assert Counterpart.objects.count() == 2


# -- Agreement areas: written through the agreement's department -------------------------


def test_the_agreements_department_adds_areas_another_is_refused(
    client_for, official_user, other_official_user, supervisor_user, agreement
):
    area = {"agreement": agreement.pk, "number": 1, "title": "科技创新"}
    refused = client_for(other_official_user).post(AREAS, area, format="json")
    assert refused.status_code == 403 and not AgreementArea.objects.exists()
    created = client_for(official_user).post(AREAS, area, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["agreement_code"] == "XY-2023-001"
    assert created.json()["items"] == 0
    same_number = client_for(supervisor_user).post(AREAS, area, format="json")
    assert same_number.status_code == 400
    pk = created.json()["id"]
    hacked = client_for(other_official_user).patch(f"{AREAS}{pk}/", {"title": "X"}, format="json")
    assert hacked.status_code == 403
    assert AgreementArea.objects.get().title == "科技创新"


def test_an_area_of_an_item_that_is_no_agreement_is_a_400(client_for, official_user, item):
    response = client_for(official_user).post(
        AREAS, {"agreement": item.pk, "number": 1, "title": "医疗"}, format="json"
    )
    assert response.status_code == 400 and "agreement" in response.json()
    assert not AgreementArea.objects.exists()


def test_what_came_of_an_agreement_is_its_areas_and_their_items(
    client_for, official_user, agreement, item
):
    area = AgreementArea.objects.create(agreement=agreement, number=1, title="科技创新")
    item.agreement, item.area = agreement, area
    item.save()
    client = client_for(official_user, "read")
    areas = client.get(f"{AREAS}?agreement={agreement.pk}").json()["results"]
    assert [(row["title"], row["items"]) for row in areas] == [("科技创新", 1)]
    under = client.get(f"{ITEMS}?area={area.pk}").json()["results"]
    assert [row["code"] for row in under] == [item.code]
    by_agreement = client.get(f"{ITEMS}?agreement={agreement.pk}").json()["results"]
    assert [row["code"] for row in by_agreement] == [item.code]


def test_money_is_written_and_read_in_wan(client_for, official_user, item):
    client = client_for(official_user)
    response = client.patch(f"{ITEMS}{item.pk}/", {"investment": "146900"}, format="json")
    assert response.status_code == 200 and response.json()["investment"] == "146900.00"
    item.refresh_from_db()
    assert item.investment == Decimal("146900")
