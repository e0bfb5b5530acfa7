"""The admin's ranking settings (one row, changed by supervisors only) and the rankings page
(read by every signed-in official, escaped)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.testing.admin_forms import admin_form_data
from performance.models import RankingSettings, Target
from performance.tests.test_rankings import counties, county, signed  # noqa: F401
from tracker import roles

pytestmark = pytest.mark.django_db

CHANGE = reverse("admin:performance_rankingsettings_change", args=[1])
LIST = reverse("admin:performance_rankingsettings_changelist")
ADD = reverse("admin:performance_rankingsettings_add")
RANKINGS = reverse("admin:performance_rankingsettings_rankings")


@pytest.fixture(autouse=True)
def grants(db):
    """The roles' permissions on the settings, as performance's roles migration gives them."""
    codenames = {
        roles.SUPERVISORS: [
            "add_rankingsettings",
            "view_rankingsettings",
            "change_rankingsettings",
        ],
        roles.OFFICIALS: ["view_rankingsettings"],
    }
    for name, granted in codenames.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="performance", codename__in=granted)
        )


@pytest.fixture
def supervisor(client, supervisor_user):
    client.force_login(supervisor_user)
    return client


@pytest.fixture
def official(client, official_user):
    client.force_login(official_user)
    return client


def test_the_list_leads_to_the_one_row_made_by_the_migration(supervisor):
    assert list(RankingSettings.objects.values_list("pk", "weight_signed")) == [(1, 20)]
    assert supervisor.get(LIST)["Location"] == CHANGE
    assert supervisor.get(ADD).status_code == 403  # never a second row


def test_a_supervisor_changes_the_weights_and_the_change_is_kept(supervisor):
    RankingSettings.current()
    page = supervisor.get(CHANGE)
    assert page.status_code == 200 and RANKINGS in page.content.decode()
    response = supervisor.post(CHANGE, admin_form_data(page, weight_funds="40", rate_cap="1.5"))
    assert response.status_code == 302
    settings = RankingSettings.current()
    assert (settings.weight_funds, settings.rate_cap) == (40, Decimal("1.50"))
    assert settings.history.count() == 2  # the migration's defaults, then the change


def test_bad_weights_are_refused_field_by_field(supervisor):
    RankingSettings.current()
    page = supervisor.get(CHANGE)
    zero = dict.fromkeys(
        ["weight_signed", "weight_started", "weight_producing", "weight_funds", "weight_jjj"], "0"
    )
    response = supervisor.post(CHANGE, admin_form_data(page, **zero, rate_cap="0.5"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"weight_signed", "rate_cap"} <= set(errors)
    assert RankingSettings.current().weight_signed == 20


def test_an_official_reads_the_settings_but_cannot_change_or_delete_them(official):
    settings = RankingSettings.current()
    assert official.get(CHANGE).status_code == 200
    data = {"weight_signed": "90", "weight_targets": "10"}
    assert official.post(CHANGE, data).status_code == 403
    delete = reverse("admin:performance_rankingsettings_delete", args=[1])
    assert official.post(delete, {"post": "yes"}).status_code == 403
    settings.refresh_from_db()
    assert settings.weight_signed == 20 and settings.history.count() == 1


def test_nobody_deletes_the_settings(supervisor):
    RankingSettings.current()
    delete = reverse("admin:performance_rankingsettings_delete", args=[1])
    assert supervisor.post(delete, {"post": "yes"}).status_code == 403
    assert RankingSettings.objects.exists()


def test_the_rankings_page_for_an_official(official, counties):  # noqa: F811
    response = official.get(RANKINGS, {"period": "month", "date": "2023-11-15", "unit": "county"})
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("德城区", "禹城市", "陵城区", "武城县", "120.00", "150.0%", "▼1"):
        assert name in page
    rows = response.context["rows"]
    assert [(row["rank"], row["name"], row["listed"]) for row in rows] == [
        (1, "德城区", "red"),
        (2, "禹城市", "red"),
        (3, "陵城区", "black"),
        (4, "武城县", ""),
    ]


def test_names_are_escaped(official, dezhou):
    hostile = county(dezhou, "371499", "<script>alert(1)</script>=HYPERLINK()")
    Target.objects.create(year=2023, division=hostile, signed_projects=1)
    page = official.get(RANKINGS, {"period": "year", "date": "2023-12-31", "unit": "county"})
    text = page.content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_departments_show_their_discipline(official, department):
    Target.objects.create(year=2023, department=department, signed_projects=2)
    page = official.get(RANKINGS, {"period": "week", "date": "2023-11-15", "unit": "department"})
    assert page.status_code == 200 and page.context["is_departments"]
    assert department.name in page.content.decode()


def test_a_wrong_date_is_told_on_the_form(official):
    page = official.get(RANKINGS, {"period": "month", "date": "1899-01-01", "unit": "county"})
    assert page.status_code == 200 and page.context["result"] is None
    assert "date" in page.context["form"].errors


def test_the_page_opens_on_this_month(official, lingcheng):
    page = official.get(RANKINGS)
    assert page.status_code == 200
    assert page.context["result"].period.start == datetime.date.today().replace(day=1)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(RANKINGS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_bounded_number_of_queries(official, counties, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(45):
        official.get(RANKINGS, {"period": "month", "date": "2023-11-15", "unit": "county"})
