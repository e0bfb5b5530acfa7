"""What a province user must not learn of a city, found by review after the first pass:
a city's bulletin, its key tasks' loop records, its problems through a filtered statistic or
a shared project's counter, and which investors other cities court by trying names."""

import datetime

import pytest

from config.tests import tenant_world
from config.tests.tenant_world import LEAK

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_official, department, project, task, official_user, supervisor_user):
    return tenant_world.build(
        make_official, department, project, task, official_user, supervisor_user
    )


def test_a_province_reads_neither_a_citys_bulletins_nor_their_files(world, api_client_for, client):
    province = api_client_for(world.province)
    listed = province.get("/api/v1/bulletins/")
    assert listed.status_code == 200 and LEAK not in listed.content.decode()
    assert province.get(f"/api/v1/bulletins/{world.lf.bulletin.pk}/").status_code == 404
    document = f"/files/bulletins/{world.lf.bulletin.pk}/document/"
    client.force_login(world.province)
    assert client.get(document).status_code == 404
    # ... while the city's own office reads it.
    client.force_login(world.lf.supervisor)
    assert client.get(document).status_code == 200


def test_a_province_reads_a_citys_task_but_not_its_loop_records(world, api_client_for):
    from tracker import loop

    loop.receive_task(world.lf.task, by=world.lf.official, note=f"{LEAK} 签收意见")
    province = api_client_for(world.province)
    assert province.get(f"/api/v1/tasks/{world.lf.task.pk}/").status_code == 200
    steps = province.get(f"/api/v1/tasks/{world.lf.task.pk}/steps/")
    assert steps.status_code == 200
    assert LEAK not in steps.content.decode() and steps.json()["results"] == []
    own = api_client_for(world.lf.supervisor).get(f"/api/v1/tasks/{world.lf.task.pk}/steps/")
    assert f"{LEAK} 签收意见" in own.content.decode()


def test_a_statistic_narrowed_to_one_project_counts_only_rows_the_province_lists(
    world, api_client_for
):
    province = api_client_for(world.province)
    # The coarse roll-up counts Langfang's problem (raised on its lead)...
    whole = province.get("/api/v1/stats/blockers/?group_by=city")
    assert {g["key"]: g["blockers"] for g in whole.json()["groups"]}.get("131000") == 1
    # ... but a filter naming the lead tells nothing of it: not that it exists, nor where.
    probe = province.get(f"/api/v1/stats/blockers/?group_by=city&project={world.lf.lead.pk}")
    assert probe.status_code == 200 and probe.json()["groups"] == []
    named = province.get("/api/v1/stats/blockers/?group_by=coordinating_department")
    assert named.json()["groups"] == [] and LEAK not in named.content.decode()
    by_department = province.get(
        f"/api/v1/stats/projects/?group_by=stage&responsible_department={world.lf.department.pk}"
    )
    stages = {g["key"] for g in by_department.json()["groups"]}
    assert "lead" not in stages and "signed" in stages


def test_a_shared_project_does_not_count_the_citys_problems_for_the_province(world, api_client_for):
    from projects.blockers import raise_blocker

    raise_blocker(
        by=world.lf.official,
        title=f"{LEAK} 签约项目的问题",
        description="描述",
        kind="land",
        project=world.lf.signed,
    )
    province = api_client_for(world.province)
    shown = province.get(f"/api/v1/projects/{world.lf.signed.pk}/").json()
    assert shown["open_blockers"] == 0
    own = api_client_for(world.lf.supervisor).get(f"/api/v1/projects/{world.lf.signed.pk}/")
    assert own.json()["open_blockers"] == 1


def test_sign_on_never_places_a_person_in_a_province(world, settings):
    from tracker.sso_accounts import Refused, tenant_for

    class Identity:
        tenant_code = "130000"

    with pytest.raises(Refused):
        tenant_for(Identity())
    Identity.tenant_code = "131000"
    assert tenant_for(Identity()).code == "131000"


def test_the_review_world_is_what_the_tests_assume(world):
    # Guards the tests above: Langfang's lead has a problem and the signed one none.
    assert world.lf.blocker.project_id == world.lf.lead.pk
    assert world.lf.signed.stage == "signed" and world.lf.lead.stage == "lead"
    assert world.lf.task.deadline == datetime.date(2023, 6, 30)


def test_with_several_cities_only_operators_add_shared_reference_data(world, client):
    # Divisions, parks and chains are read by every city: one city's office no longer
    # edits them (docs/tenants.md), and its pages do not offer to.
    client.force_login(world.lf.supervisor)
    assert client.get("/admin/regions/division/add/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/regions/division/add/" not in index
    assert client.get("/admin/cooperation/counterpart/add/").status_code == 200  # its own


def test_with_one_city_its_office_still_adds_reference_data(client, supervisor_user):
    client.force_login(supervisor_user)
    assert client.get("/admin/regions/division/add/").status_code == 200
