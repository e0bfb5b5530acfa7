"""The cooperation ledger's admin: the department rule on every item page (the generic
matrix, declared), counterparts kept by supervisors, the agreement's page with its areas
and the items under each, and the project's page showing the items it came from."""

import datetime

import pytest
from django.urls import reverse

from cooperation import services
from cooperation.choices import CooperationKind, CooperationState, CounterpartKind
from cooperation.models import AgreementArea, CooperationItem, CooperationUpdate, Counterpart
from core.testing.admin_forms import admin_form_data
from core.testing.permissions import OwnedAdminCases

pytestmark = pytest.mark.django_db


def make(department, code, kind=CooperationKind.PLATFORM, **fields):
    return services.save_item(
        CooperationItem(
            code=code, title=f"事项{code}", kind=kind, year=2023, department=department, **fields
        )
    )


@pytest.fixture
def own_item(department):
    return make(department, "HZ-2023-001", deadline=datetime.date(2023, 1, 31))


@pytest.fixture
def other_item(other_department):
    return make(other_department, "HZ-2023-002")


class TestCooperationItemAdmin(OwnedAdminCases):
    model = CooperationItem
    owner_field = "department"
    own_fixture, other_fixture = "own_item", "other_item"
    edit = {"title": "新标题"}
    report_model = CooperationUpdate
    report_data = {"reported_on": "2023-05-20", "state": "in_progress", "note": "已签约对接"}

    def new_record(self, own):
        return {"code": "HZ-NEW", "title": "新事项", "kind": "talent", "year": 2023}

    def assert_reported(self, item, data):
        assert item.state == data["state"]
        assert item.started_on == datetime.date.fromisoformat(data["reported_on"])


@pytest.fixture
def chaoyang(other_department, department, beijing):
    """The Chaoyang agreement (another department's), two areas, items under them."""
    partner = Counterpart.objects.create(
        name="北京市朝阳区人民政府", kind=CounterpartKind.DISTRICT, division=beijing
    )
    agreement = make(other_department, "XY-CY", kind=CooperationKind.AGREEMENT)
    agreement.counterparts.set([partner])
    first = services.save_area(AgreementArea(agreement=agreement, number=1, title="产业承接"))
    services.save_area(AgreementArea(agreement=agreement, number=2, title="医疗合作"))
    make(department, "CY-01", CooperationKind.KEY_ITEM, agreement=agreement, area=first)
    make(other_department, "CY-02", CooperationKind.PLATFORM, agreement=agreement, area=first)
    return agreement


def change_url(item):
    return reverse("admin:cooperation_cooperationitem_change", args=[item.pk])


def test_the_agreement_page_shows_its_areas_and_the_items_under_each(
    client, official_user, chaoyang
):
    client.force_login(official_user)
    page = client.get(change_url(chaoyang))
    text = page.content.decode()
    assert page.status_code == 200
    assert "产业承接" in text and "医疗合作" in text
    assert "CY-01" in text and "CY-02" in text
    [areas] = [
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is AgreementArea
    ]
    first = areas.formset.forms[0].instance
    assert first.title == "产业承接"
    assert sorted(item.code for item in first.items.all()) == ["CY-01", "CY-02"]


def test_only_the_agreements_department_adds_areas_on_its_page(
    client, official_user, other_official_user, chaoyang
):
    url = change_url(chaoyang)
    client.force_login(other_official_user)
    page = client.get(url)
    data = admin_form_data(page)
    data.update({"areas-TOTAL_FORMS": "3", "areas-2-number": "3", "areas-2-title": "人才交流"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert chaoyang.areas.filter(number=3, title="人才交流").exists()
    client.force_login(official_user)
    before = list(AgreementArea.objects.values())
    data["areas-2-title"] = "改写"
    assert client.post(url, data).status_code == 403
    assert list(AgreementArea.objects.values()) == before


def test_an_area_with_items_is_not_deleted_from_the_page(client, other_official_user, chaoyang):
    client.force_login(other_official_user)
    page = client.get(change_url(chaoyang))
    data = admin_form_data(page)
    data["areas-0-DELETE"] = "on"  # 产业承接, with two items
    response = client.post(change_url(chaoyang), data)
    assert response.status_code == 200
    errors = [str(i.formset.non_form_errors()) for i in response.context["inline_admin_formsets"]]
    assert any("产业承接" in error for error in errors)
    assert chaoyang.areas.filter(number=1).exists()


def test_counterparts_are_read_by_officials_and_kept_by_supervisors(
    client, official_user, supervisor_user, beijing
):
    partner = Counterpart.objects.create(name="北京大学", kind=CounterpartKind.UNIVERSITY)
    url = reverse("admin:cooperation_counterpart_change", args=[partner.pk])
    partner.division = beijing
    partner.save()
    client.force_login(official_user)
    listed = client.get(reverse("admin:cooperation_counterpart_changelist"))
    assert listed.status_code == 200 and "北京市" in listed.content.decode()
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "改名", "kind": "university"}).status_code == 403
    assert client.get(reverse("admin:cooperation_counterpart_add")).status_code == 403
    client.force_login(supervisor_user)
    page = client.get(url)
    response = client.post(url, admin_form_data(page, note="985高校", division=str(beijing.pk)))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.note == "985高校" and partner.history.latest().history_user == supervisor_user


def test_the_list_lights_deadlines_and_filters_overdue_items(
    client, official_user, own_item, other_item
):
    client.force_login(official_user)
    changelist = reverse("admin:cooperation_cooperationitem_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "deadline-red" in page.content.decode()
    overdue = client.get(changelist, {"overdue": "yes"})
    assert [item.code for item in overdue.context["cl"].result_list] == ["HZ-2023-001"]
    services.record_cooperation_update(
        item=own_item,
        reported_on=datetime.date(2023, 2, 1),
        state=CooperationState.ACHIEVED,
        author=official_user,
    )
    assert not client.get(changelist, {"overdue": "yes"}).context["cl"].result_list


def test_the_list_costs_the_same_queries_for_more_items(
    client, supervisor_user, department, django_assert_max_num_queries
):
    partner = Counterpart.objects.create(name="天津大学", kind=CounterpartKind.UNIVERSITY)
    for number in range(30):
        make(department, f"PT-{number:03}").counterparts.set([partner])
    client.force_login(supervisor_user)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("admin:cooperation_cooperationitem_changelist"))
    assert page.content.decode().count("天津大学") >= 30


def test_the_project_page_shows_the_items_it_came_from(client, official_user, own_item, project):
    services.land_as_project(own_item, project=project, by=official_user)
    client.force_login(official_user)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert page.status_code == 200 and "HZ-2023-001" in page.content.decode()
    changelist = reverse("admin:cooperation_cooperationitem_changelist")
    listed = client.get(changelist, {"project__id__exact": project.pk})
    assert [item.code for item in listed.context["cl"].result_list] == ["HZ-2023-001"]


def test_a_project_already_linked_is_refused_on_the_form(
    client, supervisor_user, own_item, other_item, project
):
    services.land_as_project(own_item, project=project)
    client.force_login(supervisor_user)
    page = client.get(change_url(other_item))
    response = client.post(change_url(other_item), admin_form_data(page, project=str(project.pk)))
    assert response.status_code == 200
    assert "project" in response.context["adminform"].form.errors
    assert CooperationItem.objects.get(pk=other_item.pk).project_id is None
