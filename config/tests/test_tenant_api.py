"""The tenant rule on the API, the files and the dashboard (issue 19): nobody of one city
reads another city's records through any route; a province reads what its cities share
and their whole figures; a region reads its chain projects.

The world (config.tests.tenant_world): Dezhou's shared fixtures, Langfang's records
marked ``LEAK-LF``, Shijiazhuang's, a Hebei province user and the joint working group.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from config.api import router
from config.tests import tenant_world
from config.tests.tenant_world import DEZHOU, LANGFANG, LEAK, SHIJIAZHUANG

pytestmark = pytest.mark.django_db

API = "/api/v1/"
STATS = {
    "projects": ("projects", "total_investment", "funds_in_place"),
    "tasks": ("tasks", "done", "overdue"),
    "blockers": ("blockers", "overdue"),
    "cooperation": ("items", "investment"),
}


@pytest.fixture
def world(make_official, department, project, task, official_user, supervisor_user):
    return tenant_world.build(
        make_official, department, project, task, official_user, supervisor_user
    )


def api(user):
    client = APIClient()
    client.force_authenticate(tenant_world.fresh(user))
    return client


def get(client, path, params=None, status=200):
    response = client.get(path, params or {})
    assert response.status_code == status, (path, response.status_code, response.content[:300])
    return response


# Lists a city's users may not read at all (403): a province's courting cases.
REFUSED_TO_CITIES = {f"{API}courting-cases/"}


def list_paths():
    return [f"{API}{prefix}/" for prefix, _viewset, _name in router.registry]


def groupings(kind):
    response = APIClient().get("/api/schema/", {"format": "json"})
    parameters = response.json()["paths"][f"{API}stats/{kind}/"]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == "group_by")["schema"]["enum"]


def test_dezhou_users_read_nothing_of_langfang_through_any_list_or_statistic(world):
    for user in (world.dz.official, world.dz.supervisor):
        client = api(user)
        for path in list_paths():
            status = 403 if path in REFUSED_TO_CITIES else 200
            for params in ({"page_size": 500}, {"search": LEAK}):
                assert LEAK not in get(client, path, params, status).content.decode(), path
            if status != 200:
                continue
            rows = get(client, path, {"page_size": 3}).json()["results"]
            for row in rows if path != f"{API}deleted/" else ():
                assert LEAK not in get(client, f"{path}{row['id']}/").content.decode()
        for kind in STATS:
            for group_by in groupings(kind):
                body = get(client, f"{API}stats/{kind}/", {"group_by": group_by})
                assert LEAK not in body.content.decode(), (kind, group_by)
        for path in ("reporting/departments/", "reporting/missing/", "deleted/"):
            assert LEAK not in get(client, API + path).content.decode()
        answer = get(client, f"{API}stats/projects/", {"group_by": "city"}).json()
        assert [group["key"] for group in answer["groups"]] == [DEZHOU]


def test_another_citys_records_are_404_in_details_and_actions(world):
    lf = world.lf
    client = api(world.dz.supervisor)
    details = {
        "departments": lf.department,
        "work-points": lf.work_point,
        "projects": lf.lead,
        "tasks": lf.task,
        "blockers": lf.blocker,
        "cooperation-items": lf.item,
        "counterparts": lf.counterpart,
        "targets": lf.target,
        "bulletins": lf.bulletin,
    }
    for prefix, record in details.items():
        get(client, f"{API}{prefix}/{record.pk}/", status=404)
    get(client, f"{API}projects/{lf.signed.pk}/updates/", status=404)
    get(client, f"{API}blockers/{lf.blocker.pk}/steps/", status=404)
    note = {"note": "看一看"}
    assert client.post(f"{API}tasks/{lf.task.pk}/cancel/", note).status_code == 404
    assert client.post(f"{API}blockers/{lf.blocker.pk}/withdraw/", note).status_code == 404
    assert client.patch(f"{API}projects/{lf.lead.pk}/", {"name": "x"}).status_code == 404


def test_a_write_naming_another_citys_record_is_a_field_error(world):
    official, supervisor = api(world.dz.official), api(world.dz.supervisor)
    created = official.post(
        f"{API}projects/",
        {
            "code": "DZ-X",
            "name": "新项目",
            "year": 2023,
            "responsible_department": world.lf.department.pk,
        },
    )
    assert created.status_code == 400 and "responsible_department" in created.json()
    raised = official.post(
        f"{API}blockers/",
        {"title": "问题", "description": "描述", "kind": "land", "project": world.lf.lead.pk},
    )
    assert raised.status_code == 400 and "project" in raised.json()
    assigned = supervisor.post(
        f"{API}blockers/{world.dz.blocker.pk}/assign/",
        {"coordinating_department": world.lf.department.pk, "deadline": "2099-01-01"},
    )
    assert assigned.status_code == 400 and "coordinating_department" in assigned.json()
    item = official.post(
        f"{API}cooperation-items/",
        {
            "code": "HZ-X",
            "title": "合作",
            "kind": "platform",
            "year": 2023,
            "department": world.dz.department.pk,
            "counterparts": [world.lf.counterpart.pk],
        },
        format="json",
    )
    assert item.status_code == 400 and "counterparts" in item.json()


def test_the_services_refuse_another_citys_supervisor(world):
    from projects import blockers
    from tracker import loop
    from tracker.services import save_key_task

    lf_office = world.lf.supervisor
    with pytest.raises(PermissionDenied):
        loop.cancel_task(world.dz.task, by=lf_office, note="不是你们的")
    with pytest.raises(PermissionDenied):
        blockers.withdraw_blocker(world.dz.blocker, by=lf_office, note="不是你们的")
    assert not blockers.may_take(lf_office, world.dz.blocker, "withdraw")
    assert not loop.may_take(lf_office, world.dz.task, "cancel")
    with pytest.raises(ValidationError) as refused:
        blockers.assign_blocker(
            world.dz.blocker,
            by=world.dz.supervisor,
            coordinating_department=world.dz.department,
            supporting_departments=[world.lf.department],
            deadline=world.dz.task.deadline.replace(year=2099),
        )
    assert "supporting_departments" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        save_key_task(
            world.dz.task, supporting_departments=[world.lf.department], by=world.dz.supervisor
        )
    assert "supporting_departments" in refused.value.message_dict


def test_files_of_another_city_are_404(client, world):
    evidence = reverse("project_evidence", args=[world.lf.evidence.pk])
    bulletin = reverse("bulletin_file", args=[world.lf.bulletin.pk, "document"])
    client.force_login(world.dz.supervisor)
    assert client.get(evidence).status_code == 404
    assert client.get(bulletin).status_code == 404
    client.force_login(world.lf.official)
    assert client.get(evidence).status_code == 200
    assert client.get(bulletin).status_code == 200
    client.force_login(world.province)  # a city's bulletin names its problems: not shared
    assert client.get(bulletin).status_code == 404
    assert client.get(evidence).status_code == 404


def test_the_deletions_feed_shows_the_own_citys_deletions(world, settings):
    settings.TRACKER_SYNC_SETTLE_SECONDS = 0  # the deletion was just now

    def deleted(user):
        rows = get(api(user), f"{API}deleted/").json()["results"]
        return {(row["model"], row["object_id"]) for row in rows}

    gone = ("projects.project", world.lf.gone_id)
    assert gone not in deleted(world.dz.official)
    assert gone not in deleted(world.province)
    assert gone in deleted(world.lf.official)


def project_codes(user, **params):
    rows = get(api(user), f"{API}projects/", {"page_size": 500, **params}).json()["results"]
    return {row["code"] for row in rows}


def test_a_province_reads_its_cities_shared_projects_but_never_a_lead(world):
    province = api(world.province)
    assert project_codes(world.province) == {"LF-002", "LF-003", "SJZ-002"}
    get(province, f"{API}projects/{world.lf.signed.pk}/")
    get(province, f"{API}projects/{world.lf.lead.pk}/", status=404)
    get(province, f"{API}projects/{world.dz.signed.pk}/", status=404)  # not its province
    assert project_codes(world.province, search="LEAK-LF-LEAD") == set()
    tasks = get(province, f"{API}tasks/", {"page_size": 500}).json()["results"]
    assert {task["title"] for task in tasks} == {f"{LEAK} 任务"}  # read whole
    get(province, f"{API}blockers/{world.lf.blocker.pk}/", status=404)


def test_a_region_reads_the_chain_projects_of_its_cities_only(world):
    assert project_codes(world.region) == {"LF-002", "DZ-2023-009"}
    get(api(world.region), f"{API}projects/{world.lf.lead.pk}/", status=404)
    get(api(world.region), f"{API}projects/{world.lf.local.pk}/", status=404)


def figures(user, kind, group_by):
    answer = get(api(user), f"{API}stats/{kind}/", {"group_by": group_by}).json()
    return {group["key"]: group for group in answer["groups"]}, answer["total"]


@pytest.mark.parametrize("kind", list(STATS))
def test_a_provinces_figures_are_the_sum_of_its_cities_own(world, kind):
    group_by = {"projects": "stage", "tasks": "aspect", "blockers": "state"}.get(kind, "kind")
    province_groups, province_total = figures(world.province, kind, group_by)
    cities = [figures(user, kind, group_by) for user in (world.lf.supervisor, world.sjz.supervisor)]
    for measure in STATS[kind]:
        assert float(province_total[measure]) == sum(float(t[measure]) for _g, t in cities)
        for key, group in province_groups.items():
            own = sum(float(g[key][measure]) for g, _t in cities if key in g)
            assert float(group[measure]) == own, (key, measure)
    by_city, _total = figures(world.province, kind, "city")
    for code, (_groups, total) in zip((LANGFANG, SHIJIAZHUANG), cities, strict=True):
        if total[STATS[kind][0]]:
            assert by_city[code]["label"] in ("廊坊市", "石家庄市")
            assert by_city[code][STATS[kind][0]] == total[STATS[kind][0]]


def test_the_province_counts_the_leads_it_cannot_list(world):
    stages, total = figures(world.province, "projects", "stage")
    assert stages["lead"]["projects"] == 2  # Langfang's and Shijiazhuang's leads
    assert total["projects"] == 5
    by_city, _total = figures(world.province, "projects", "city")
    assert by_city[LANGFANG]["projects"] == 3 and by_city[SHIJIAZHUANG]["projects"] == 2


def test_answers_are_private_to_their_caller(world):
    client = api(world.dz.official)
    answer = get(client, f"{API}projects/")
    assert "private" in answer["Cache-Control"]
    assert {"Cookie", "Authorization"} <= {v.strip() for v in answer["Vary"].split(",")}
    again = client.get(f"{API}projects/", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304
    assert "private" in again["Cache-Control"] and "Authorization" in again["Vary"]
    refused = APIClient().get(f"{API}projects/")
    assert refused.status_code == 401 and "private" in refused["Cache-Control"]


def test_the_reporting_panel_lists_the_own_citys_departments(world):
    def departments(user):
        rows = get(api(user), f"{API}reporting/departments/").json()["results"]
        return {row["name"] for row in rows}

    assert departments(world.dz.official) == {world.dz.department.name}
    assert departments(world.lf.official) == {world.lf.department.name}
    assert departments(world.province) == {"河北省商务厅"}


def test_the_dashboard_shows_the_county_map_only_to_the_city_it_was_drawn_for(client, world):
    def page(user):
        client.force_login(user)
        response = client.get("/dashboard/")
        assert response.status_code == 200
        return response.context["config"], response.content.decode()

    config, html = page(world.dz.official)
    assert config["countyTiles"] and 'id="panel-counties"' in html and not config["byCity"]
    config, html = page(world.lf.official)
    assert config["countyTiles"] is None and 'id="panel-counties"' not in html
    assert "counties.js" not in html
    config, html = page(world.province)
    assert config["byCity"] and 'id="chart-city"' in html


def test_every_writable_link_of_the_api_offers_only_the_callers_city(world):
    """Each viewset's serializer, as a create builds it: every writable related field whose
    model belongs to a city chooses among the caller's city's rows only."""
    from rest_framework.relations import ManyRelatedField, RelatedField
    from rest_framework.test import APIRequestFactory, force_authenticate

    from core.tenancy import tenant_path

    checked = set()
    for prefix, viewset, _name in router.registry:
        raw = APIRequestFactory().post("/")
        force_authenticate(raw, tenant_world.fresh(world.dz.supervisor))
        view = viewset(action="create", format_kwarg=None, kwargs={}, action_map={})
        view.request = view.initialize_request(raw)
        if not hasattr(view, "get_serializer"):
            continue  # no serializer: nothing is written through it
        for name, field in view.get_serializer().fields.items():
            relation = field.child_relation if isinstance(field, ManyRelatedField) else field
            if field.read_only or not isinstance(relation, RelatedField):
                continue
            queryset = relation.get_queryset()
            path = tenant_path(queryset.model)
            if path is not None:
                checked.add(f"{prefix}.{name}")
                assert set(queryset.values_list(path, flat=True)) <= {DEZHOU}, (prefix, name)
    assert {"projects.responsible_department", "tasks.supporting_departments"} <= checked
    assert "cooperation-items.counterparts" in checked


def test_no_list_filter_offers_the_rows_of_a_model(world):
    """A model choice filter would check ids against every city's rows (and show them as
    choices in the browsable API): links are filtered by id (core.rest.fields.IntegerFilter),
    on the rows the caller reads."""
    from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter

    for prefix, viewset, _name in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, field in filterset.base_filters.items() if filterset else ():
            assert not isinstance(field, ModelChoiceFilter | ModelMultipleChoiceFilter), (
                prefix,
                name,
            )


def test_recording_a_lead_says_only_that_another_city_is_in_contact(world):
    """Dezhou and Langfang share the joint working group's chains: Langfang's lead courts
    the same investor; Dezhou's answer says so, and nothing of who."""
    chain = world.lf.lead.industry_chain
    answer = api(world.dz.official).post(
        f"{API}projects/",
        {
            "code": "DZ-2023-050",
            "name": "生物医药项目",
            "investor": "国药集团（股份）有限公司",
            "year": 2023,
            "responsible_department": world.dz.department.pk,
            "host_division": world.dz.lead.host_division_id,
            "industry_chain": chain.pk,
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.content.decode()
    assert answer.json()["another_city_in_contact"] is True
    assert LEAK not in body and LANGFANG not in body and "廊坊" not in body
    listed = get(api(world.dz.official), f"{API}projects/").json()["results"]
    assert all("another_city_in_contact" not in row for row in listed)


def test_targets_are_set_for_the_offices_own_units(world):
    """A city's targets are its counties'; a province's its cities' (one level up)."""
    from core.tenancy import acting_for
    from performance.models import Target
    from performance.services import save_target
    from regions.models import Division

    langfang, sanhe = Division.objects.get(code=LANGFANG), Division.objects.get(code="131082")
    with acting_for(tenant_world.HEBEI):
        assert save_target(Target(year=2024, division=langfang)).tenant_id == tenant_world.HEBEI
        with pytest.raises(ValidationError) as refused:
            save_target(Target(year=2024, division=sanhe))
    assert "division" in refused.value.message_dict
    with acting_for(DEZHOU), pytest.raises(ValidationError) as refused:
        save_target(Target(year=2024, division=sanhe))  # a county of another city
    assert "division" in refused.value.message_dict
    with acting_for(DEZHOU):
        assert save_target(Target(year=2024, division=world.dz.lead.host_division)).pk
