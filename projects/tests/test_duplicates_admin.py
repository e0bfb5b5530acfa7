"""The possible-duplicates page and the decisions in the admin: supervisors only."""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import DuplicateDismissal, Project

pytestmark = pytest.mark.django_db

PAGE = "admin:projects_project_duplicates"
counter = itertools.count(500)


@pytest.fixture
def make(lingcheng, department):
    def make(name, investor="北京恒瑞安科技有限公司", county=None, year=2023):
        return Project.objects.create(
            code=f"DZ-{year}-{next(counter)}",
            name=name,
            investor=investor,
            host_division=county or lingcheng,
            responsible_department=department,
            year=year,
            total_investment=Decimal("10000"),
        )

    return make


@pytest.fixture
def pair(make, decheng):
    return (
        make("<script>alert(1)</script>数字化工厂项目"),
        make("<script>alert(1)</script>数字化工厂项目", county=decheng, year=2024),
    )


def test_a_supervisor_sees_each_pair_with_both_projects_and_links(client, supervisor_user, pair):
    client.force_login(supervisor_user)
    response = client.get(reverse(PAGE))
    assert response.status_code == 200
    page = response.content.decode()
    for project in pair:
        assert project.code in page
        assert reverse("admin:projects_project_change", args=[project.pk]) in page
    assert "德城区" in page and "陵城区" in page and "2024" in page
    assert "<script>alert(1)</script>" not in page  # names are shown as text
    assert "&lt;script&gt;" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert len(response.context["rows"]) == 1


def test_not_a_duplicate_is_recorded_and_the_pair_leaves_the_page(client, supervisor_user, pair):
    client.force_login(supervisor_user)
    first, second = pair
    response = client.post(
        reverse(PAGE), {"first": second.pk, "second": first.pk, "note": '=HYPERLINK("x")'}
    )
    assert response.status_code == 302
    decision = DuplicateDismissal.objects.get()
    assert (decision.first_id, decision.second_id, decision.decided_by) == (
        first.pk,
        second.pk,
        supervisor_user,
    )
    assert client.get(reverse(PAGE)).context["rows"] == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"first": "x", "second": "1"},
        {"first": "1", "second": "1"},
        {"note": "a"},
        {"first": "1", "second": str(10**30)},
        {"first": "0", "second": "-1"},
    ],
)
def test_a_bad_post_changes_nothing(client, supervisor_user, pair, data):
    client.force_login(supervisor_user)
    response = client.post(reverse(PAGE), data)
    assert response.status_code == 200
    assert not DuplicateDismissal.objects.exists()
    assert len(response.context["rows"]) == 1
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize(("note", "message"), [("x" * 301, "300"), ("第一行\n第二行", "一行")])
def test_a_bad_note_is_named(client, supervisor_user, pair, note, message):
    client.force_login(supervisor_user)
    first, second = pair
    response = client.post(reverse(PAGE), {"first": first.pk, "second": second.pk, "note": note})
    assert response.status_code == 200
    assert message in " ".join(str(m) for m in response.context["messages"])
    assert not DuplicateDismissal.objects.exists()


def test_officials_get_403_and_anonymous_the_login(client, official_user, pair):
    first, second = pair
    data = {"first": first.pk, "second": second.pk}
    anonymous = client.post(reverse(PAGE), data)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(official_user)
    assert client.get(reverse(PAGE)).status_code == 403
    assert client.post(reverse(PAGE), data).status_code == 403
    assert not DuplicateDismissal.objects.exists()


def test_the_project_list_links_to_the_page_for_supervisors_only(
    client, supervisor_user, official_user, pair
):
    url = reverse("admin:projects_project_changelist")
    client.force_login(supervisor_user)
    assert client.get(url).context["duplicates_url"] == reverse(PAGE)
    client.force_login(official_user)
    assert "duplicates_url" not in client.get(url).context


def test_the_page_costs_the_same_for_many_pairs(
    client, supervisor_user, make, decheng, django_assert_max_num_queries
):
    client.force_login(supervisor_user)
    for number in range(30):
        make(f"第{number}号新材料产业园项目", investor=f"投资方{number}")
        make(f"第{number}号新材料产业园项目", investor=f"投资方{number}", county=decheng)
    # 9: with the count of cities every admin page makes once (tracker.admin_accounts).
    with django_assert_max_num_queries(9):
        response = client.get(reverse(PAGE))
    assert len(response.context["rows"]) == 30


def test_the_decisions_are_read_only_and_for_supervisors(
    client, supervisor_user, official_user, pair
):
    first, second = pair
    client.force_login(supervisor_user)
    client.post(reverse(PAGE), {"first": first.pk, "second": second.pk, "note": "<b>两个厂</b>"})
    decision = DuplicateDismissal.objects.get()
    listing = client.get(reverse("admin:projects_duplicatedismissal_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "&lt;b&gt;两个厂&lt;/b&gt;" in page and reverse(PAGE) in page
    change = reverse("admin:projects_duplicatedismissal_change", args=[decision.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"note": "改"}).status_code == 403
    assert client.get(reverse("admin:projects_duplicatedismissal_add")).status_code == 403
    delete = reverse("admin:projects_duplicatedismissal_delete", args=[decision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.force_login(official_user)
    assert client.get(reverse("admin:projects_duplicatedismissal_changelist")).status_code == 403
    assert client.get(change).status_code == 403
    assert DuplicateDismissal.objects.get().note == "<b>两个厂</b>"
