"""The phone pages and the tenant rule (issue 19): an office sees its own city's work, and
an item of another city is a 404 whatever the link (config.tests.tenant_world)."""

import pytest
from django.urls import reverse
from django.utils import translation

from config.tests import tenant_world
from config.tests.tenant_world import LEAK
from mobile.work import office_work

from .conftest import IPHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_official, department, project, task, official_user, supervisor_user):
    return tenant_world.build(
        make_official, department, project, task, official_user, supervisor_user
    )


def phone(client_for, user):
    return client_for(tenant_world.fresh(user), HTTP_USER_AGENT=IPHONE)


def test_an_office_page_shows_its_own_city_only(client_for, world):
    dezhou = phone(client_for, world.dz.supervisor).get(reverse("mobile:home"))
    langfang = phone(client_for, world.lf.supervisor).get(reverse("mobile:home"))
    assert dezhou.status_code == langfang.status_code == 200
    assert LEAK not in dezhou.content.decode()
    page = langfang.content.decode()
    assert world.dz.task.title not in page and world.dz.blocker.title not in page


def test_the_offices_counts_are_their_own_citys(world):
    with translation.override("en"):
        dezhou = dict(office_work(tenant_world.fresh(world.dz.supervisor)).counts)
        langfang = office_work(tenant_world.fresh(world.lf.supervisor))
    assert dict(langfang.counts)["Problems awaiting assignment"] == 1  # Langfang's own
    assert [b.pk for b in langfang.problems_to_assign] == [world.lf.blocker.pk]
    assert dezhou["Problems awaiting assignment"] == 1
    # Each city's key task is past its deadline (30 June 2023): one each, not two.
    assert dezhou["Items past their deadline"] == 1
    assert dict(langfang.counts)["Items past their deadline"] == 1
    assert {name for name, _count in langfang.defaulters} <= {world.lf.department.short_name}


def test_another_citys_items_are_404_on_the_phone(client_for, world):
    dezhou = world.dz
    langfang = phone(client_for, world.lf.supervisor)
    for path in (
        reverse("mobile:task", args=[dezhou.task.pk]),
        reverse("mobile:task_receive", args=[dezhou.task.pk]),
        reverse("mobile:project", args=[dezhou.lead.pk]),
        reverse("mobile:project_problem", args=[dezhou.lead.pk]),
        reverse("mobile:blocker", args=[dezhou.blocker.pk]),
        reverse("mobile:open", args=[f"task:{dezhou.task.pk}"]),
        reverse("mobile:open", args=[f"blocker:{dezhou.blocker.pk}"]),
    ):
        assert langfang.get(path).status_code == 404, path
    note = {"note": "不是你们的"}
    assert (
        langfang.post(reverse("mobile:blocker", args=[dezhou.blocker.pk]), note).status_code == 404
    )
    # From a desktop the link opens the admin, but only for an item the user may read.
    desktop = client_for(tenant_world.fresh(world.dz.official))
    assert desktop.get(reverse("mobile:open", args=[f"task:{world.lf.task.pk}"])).status_code == 404
    assert desktop.get(reverse("mobile:open", args=[f"task:{dezhou.task.pk}"])).status_code == 302


def test_an_official_home_page_lists_nothing_of_another_city(client_for, world):
    for user in (world.dz.official, world.lf.official):
        page = phone(client_for, user).get(reverse("mobile:home")).content.decode()
        marker_seen = LEAK in page
        assert marker_seen == (user == world.lf.official)
    listed = phone(client_for, world.dz.supervisor).get(reverse("mobile:tasks")).content.decode()
    assert LEAK not in listed
