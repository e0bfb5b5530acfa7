"""The tenant rule on the admin's pages: a Langfang office and official never meet a
record of Dezhou's, on a list, a page, a history, an autocomplete, a filter or a form."""

import pytest
from django.urls import reverse

from tracker.tests.tenant_admin_world import DZ, LF, build, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_official, department, dezhou):
    return build(make_official, department, dezhou)


def page(client, user, url, data=None):
    client.force_login(user)
    response = client.get(url, data or {})
    assert response.status_code == 200, url
    return response.content.decode()


LISTS = [
    "admin:projects_project_changelist",
    "admin:tracker_keytask_changelist",
    "admin:tracker_department_changelist",
    "admin:tracker_workpoint_changelist",
    "admin:tracker_official_changelist",
    "admin:projects_blocker_changelist",
    "admin:cooperation_counterpart_changelist",
    "admin:cooperation_cooperationitem_changelist",
    "admin:auth_user_changelist",
]


@pytest.mark.parametrize("name", LISTS)
def test_the_lists_hold_only_the_own_city(client, world, name):
    body = page(client, world.lf.supervisor, reverse(name))
    assert DZ not in body and "dz-official" not in body and "dz-office" not in body
    assert LF in body or "lf-office" in body


def test_the_official_reads_the_own_city_only(client, world):
    body = page(client, world.lf.official, reverse("admin:tracker_keytask_changelist"))
    assert LF in body and DZ not in body


@pytest.mark.parametrize(
    "record", ["project", "task", "department", "work_point", "blocker", "agreement"]
)
def test_another_citys_page_does_not_exist(client, world, record):
    obj = getattr(world.dz, record)
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    client.force_login(world.lf.supervisor)
    response = client.get(url, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    said = " ".join(str(message) for message in response.context["messages"])
    assert "does not exist" in said or "不存在" in said
    assert DZ not in response.content.decode()


def history_urls(obj):
    label = f"{obj._meta.app_label}_{obj._meta.model_name}"
    version = obj.history.earliest("history_date").history_id
    return [
        reverse(f"admin:{label}_history", args=[obj.pk]),
        reverse(f"admin:{label}_simple_history", args=[obj.pk, version]),
    ]


def test_another_citys_history_is_not_found(client, world):
    client.force_login(world.lf.supervisor)
    for obj in (world.dz.project, world.dz.task, world.dz.department):
        for url in history_urls(obj):
            assert client.get(url).status_code == 404, url
    for url in history_urls(world.lf.project):
        assert client.get(url).status_code == 200


def test_a_deleted_records_history_is_its_own_citys(client, admin_client, world):
    dezhou, langfang = history_urls(world.dz.agreement), history_urls(world.lf.agreement)
    world.dz.agreement.delete()
    world.lf.agreement.delete()
    client.force_login(world.lf.supervisor)
    for url in dezhou:
        assert client.get(url).status_code == 404, url
    for url in langfang:
        assert client.get(url).status_code == 200, url
    for url in dezhou:
        assert admin_client.get(url).status_code == 200, url


def test_history_is_never_written_through(client, world):
    client.force_login(world.lf.supervisor)
    url = history_urls(world.lf.project)[1]
    assert client.post(url, {"name": "changed"}).status_code == 403


def autocomplete(client, user, model_name, field_name, app_label="tracker"):
    client.force_login(user)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return {item["text"] for item in response.json()["results"]}


def test_autocomplete_offers_the_own_city_only(client, world):
    lf = world.lf.supervisor
    departments = autocomplete(client, lf, "keytask", "lead_department")
    assert departments == {"市商务局", "市发展改革委"}
    assert autocomplete(client, lf, "keytask", "work_point") == {str(world.lf.work_point)}
    users = autocomplete(client, lf, "apitoken", "user")
    assert users == {"lf-official", "lf-office"}
    counterparts = autocomplete(client, lf, "cooperationitem", "counterparts", "cooperation")
    assert counterparts == {world.lf.counterpart.name}


def test_a_province_user_reads_its_cities_but_links_only_its_own(client, world):
    body = page(client, world.province, reverse("admin:tracker_department_changelist"))
    assert LF in body and DZ not in body  # Langfang is a Hebei city, Dezhou is not
    offered = autocomplete(client, world.province, "keytask", "lead_department")
    assert offered == {"省商务厅"}


def filter_choices(response, path):
    """The records a changelist's filter by ``path`` offers."""
    for spec in response.context["cl"].filter_specs:
        if getattr(spec, "field_path", None) == path:
            return {str(text) for _pk, text in spec.lookup_choices}
    raise AssertionError(f"no filter {path}")


def test_list_filters_offer_the_own_city_only(client, world):
    client.force_login(world.lf.supervisor)
    tasks = client.get(reverse("admin:tracker_keytask_changelist"))
    # Django lists every department of the deployment; ours, the city's two.
    assert filter_choices(tasks, "lead_department") == {"市商务局", "市发展改革委"}
    officials = client.get(reverse("admin:tracker_official_changelist"))
    assert filter_choices(officials, "department") == {"市商务局", "市发展改革委"}
    assert DZ not in tasks.content.decode() + officials.content.decode()


def test_every_filter_by_a_city_record_lists_what_the_user_reads(rf, world):
    """A filter added tomorrow to any admin is covered: by a related record of a city, it
    lists what the scoped list holds or what the user reads, never every city's."""
    from django.contrib import admin
    from django.contrib.admin import RelatedOnlyFieldListFilter
    from django.contrib.admin.utils import get_fields_from_path

    from core.admin_filters import VisibleRelatedFilter

    request = rf.get("/")
    request.user = world.lf.supervisor
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        for item in model_admin.get_list_filter(request):
            path, kind = item if isinstance(item, tuple) else (item, None)
            if not isinstance(path, str):
                continue
            field = get_fields_from_path(model, path)[-1]
            related = getattr(field, "related_model", None)
            if related is None or getattr(related, "tenant_path", None) is None:
                continue
            if kind not in (VisibleRelatedFilter, RelatedOnlyFieldListFilter):
                unscoped.append(f"{model._meta.label}: {path}")
    assert not unscoped


def form_choices(response, name):
    field = response.context["adminform"].form.fields[name]
    return set(field.queryset)


def test_forms_offer_the_own_city_only(client, world):
    client.force_login(world.lf.supervisor)
    task = client.get(reverse("admin:tracker_keytask_add"))
    both = {world.lf.department, world.lf.second}
    assert form_choices(task, "lead_department") == both
    assert form_choices(task, "supporting_departments") == both
    assert form_choices(task, "work_point") == {world.lf.work_point}
    leader = client.get(reverse("admin:tracker_cityleader_add"))
    assert form_choices(leader, "departments") == both
    assert {user.username for user in form_choices(leader, "user")} == {
        "lf-official",
        "lf-office",
    }
    item = client.get(reverse("admin:cooperation_cooperationitem_add"))
    assert form_choices(item, "counterparts") == {world.lf.counterpart}
    assert form_choices(item, "agreement") == {world.lf.agreement}
    assert form_choices(item, "area") == {world.lf.area}


def test_another_citys_department_is_refused_on_save(client, world):
    from tracker.models import KeyTask

    client.force_login(world.lf.supervisor)
    response = client.post(
        reverse("admin:tracker_keytask_add"),
        {
            "code": "KT-2024-099",
            "year": 2024,
            "title": "新任务",
            "work_point": world.lf.work_point.pk,
            "lead_department": world.dz.department.pk,
            "deadline": "2024-12-31",
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "lead_department" in response.context["adminform"].form.errors
    assert not KeyTask.objects.filter(code="KT-2024-099").exists()


def test_a_province_supervisor_takes_no_step_on_a_citys_task(client, world):
    task = world.lf.task
    body = page(client, world.province, reverse("admin:tracker_keytask_change", args=[task.pk]))
    assert reverse("admin:tracker_keytask_loop", args=[task.pk, "close"]) not in body
    for action in ("close", "cancel", "return"):
        url = reverse("admin:tracker_keytask_loop", args=[task.pk, action])
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "x"}).status_code == 404
    assert fresh_state(task) == task.state


def fresh_state(task):
    return type(task).objects.get(pk=task.pk).state


LIBRARY_LISTS = [
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
    "admin:django_celery_beat_periodictask_changelist",
    "admin:django_celery_beat_crontabschedule_changelist",
    "admin:auth_group_changelist",
]


@pytest.mark.parametrize("name", LIBRARY_LISTS)
def test_deployment_wide_pages_are_the_operators_with_several_cities(
    client, admin_client, world, name
):
    client.force_login(world.lf.supervisor)
    assert client.get(reverse(name)).status_code == 403
    assert admin_client.get(reverse(name)).status_code == 200


def test_the_office_keeps_its_login_records_with_one_city(client, make_official):
    client.force_login(make_official("office", is_supervisor=True))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


@pytest.mark.parametrize("name", ["admin:regions_tenant_changelist", "admin:regions_region_add"])
def test_cities_and_regions_are_the_operators(client, admin_client, world, name):
    client.force_login(world.lf.supervisor)
    assert client.get(reverse(name)).status_code == 403
    assert admin_client.get(reverse(name)).status_code == 200


def test_a_superuser_makes_the_first_login_of_a_city(admin_client, world):
    from tracker.models import Official

    add = admin_client.get(reverse("admin:tracker_official_add"))
    form = add.context["adminform"].form
    assert {"tenant_choice", "reach", "region"} <= set(form.fields)
    response = admin_client.post(
        reverse("admin:tracker_official_add"),
        {
            "tenant_choice": "131000",
            "username": "lf-new-office",
            "password": "a-long-enough-password-1",
            "role": "handler",
            "is_supervisor": "on",
            "receives_digest": "on",
            "reach": "city",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Official.objects.get(user__username="lf-new-office").tenant_id == "131000"


def test_a_superuser_adds_a_department_to_a_city(admin_client, world):
    from tracker.models import Department

    data = {"name": "廊坊市工业和信息化局", "short_name": "市工信局"}
    data["division"] = world.lf.department.division_id
    response = admin_client.post(
        reverse("admin:tracker_department_add"), {**data, "tenant_choice": "131000"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Department.objects.get(short_name="市工信局").tenant_id == "131000"


def test_a_records_city_never_changes_on_its_page(admin_client, world):
    official = world.dz.official.official
    page = admin_client.get(reverse("admin:tracker_official_change", args=[official.pk]))
    fields = page.context["adminform"].form.fields
    assert "tenant_choice" not in fields and {"reach", "region"} <= set(fields)
    department = world.dz.department
    page = admin_client.get(reverse("admin:tracker_department_change", args=[department.pk]))
    assert "tenant_choice" not in page.context["adminform"].form.fields


def test_the_office_sets_neither_city_nor_reach(client, world):
    client.force_login(world.lf.supervisor)
    add = client.get(reverse("admin:tracker_official_add"))
    assert not {"tenant_choice", "reach", "region"} & set(add.context["adminform"].form.fields)


def test_a_superuser_sees_the_city_column_with_several_cities(admin_client, world):
    response = admin_client.get(reverse("admin:projects_project_changelist"))
    assert "tenant" in response.context["cl"].list_display
    assert "廊坊市" in response.content.decode()


def test_one_city_shows_no_city(admin_client, project):
    for name in ("admin:projects_project_changelist", "admin:tracker_department_changelist"):
        response = admin_client.get(reverse(name))
        assert "tenant" not in response.context["cl"].list_display
    add = admin_client.get(reverse("admin:tracker_official_add"))
    assert "tenant_choice" not in add.context["adminform"].form.fields


def test_missing_reports_and_digest_preview_list_the_own_city(client, world):
    missing = reverse("admin:notifications_dispatch_missing_reports")
    body = page(client, world.lf.supervisor, missing)
    assert DZ not in body
    preview = reverse("admin:notifications_dispatch_preview_digest")
    client.get(preview)
    response = client.get(preview)
    offered = set(response.context["form"].fields["department"].queryset)
    assert offered == {world.lf.department, world.lf.second}
    refused = client.get(preview, {"department": world.dz.department.pk, "date": "2024-05-06"})
    assert "department" in refused.context["form"].errors


def test_a_user_is_read_fresh(world):
    assert fresh(world.lf.supervisor).official.tenant_id == "131000"
