"""Imports by name in the user's own city: the key-task, cooperation and target ledgers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing.workbooks import rows_of, workbook
from tracker.tests.tenant_admin_world import DZ, LANGFANG, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_official, department, dezhou):
    return build(make_official, department, dezhou)


def export(client, user, model, resource):
    client.force_login(user)
    label = f"{model._meta.app_label}_{model._meta.model_name}"
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource._meta.fields}
    response = client.post(
        reverse(f"admin:{label}_export"), {"format": "0", "resource": "0", **fields}
    )
    assert response.status_code == 200
    return rows_of(response.content)


def import_rows(client, model, rows, echoes_dezhou=False):
    """Upload, check the preview, confirm; the preview's response. The preview names
    nothing of Dezhou's unless the file itself does (an error repeats the cell)."""
    label = f"{model._meta.app_label}_{model._meta.model_name}"
    preview = client.post(
        reverse(f"admin:{label}_import"),
        {
            "import_file": SimpleUploadedFile("台账.xlsx", workbook(rows)),
            "format": "0",
            "resource": "0",
        },
    )
    assert preview.status_code == 200
    assert echoes_dezhou or DZ not in preview.content.decode()
    form = preview.context.get("confirm_form")
    if form is not None:
        confirmed = client.post(
            reverse(f"admin:{label}_process_import"),
            {name: form.initial[name] for name in form.fields},
        )
        assert confirmed.status_code == 302
    return preview


def test_key_tasks_by_department_name_and_code_in_the_own_city(client, world):
    from tracker.models import KeyTask
    from tracker.resources import KeyTaskResource

    # Work points are looked up by tracker.resources.WorkPointWidget (below): numbered
    # apart here, so that this test is about departments and codes.
    world.lf.work_point.number = 2
    world.lf.work_point.save()
    rows = export(client, world.lf.supervisor, KeyTask, KeyTaskResource)
    assert DZ not in str(rows)
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    title, supporting = (
        str(KeyTask._meta.get_field(name).verbose_name)
        for name in ("title", "supporting_departments")
    )
    row[title] = "廊坊改过的任务"
    row[supporting] = "市发展改革委"
    import_rows(client, KeyTask, [header, list(row.values())])
    world.lf.task.refresh_from_db()
    world.dz.task.refresh_from_db()
    assert world.lf.task.title == "廊坊改过的任务"
    assert list(world.lf.task.supporting_departments.all()) == [world.lf.second]
    assert world.dz.task.title == f"{DZ} 重点任务"


def test_each_citys_key_tasks_keep_their_own_work_point(client, world):
    from tracker.models import KeyTask
    from tracker.resources import KeyTaskResource

    title = str(KeyTask._meta.get_field("title").verbose_name)
    # Whichever city's work point the database returns first, the other city's import
    # would take it: both must keep their own.
    for city in (world.lf, world.dz):
        rows = export(client, city.supervisor, KeyTask, KeyTaskResource)
        row = dict(zip(rows[0], rows[1], strict=True))
        row[title] = "改过的任务"
        preview = import_rows(client, KeyTask, [rows[0], list(row.values())], city is world.dz)
        assert not preview.context["result"].has_validation_errors()
        city.task.refresh_from_db()
        assert city.task.title == "改过的任务" and city.task.work_point == city.work_point


def test_cooperation_items_by_counterpart_agreement_and_area_in_the_own_city(client, world):
    from cooperation.models import CooperationItem
    from cooperation.resources import CooperationItemResource

    resource = CooperationItemResource()
    rows = export(client, world.lf.supervisor, CooperationItem, CooperationItemResource)
    header = rows[0]
    row = dict.fromkeys(header, "")
    row.update(
        {
            resource.fields["kind"].column_name: "创新平台",
            resource.fields["code"].column_name: "PT-01",
            resource.fields["title"].column_name: "廊坊平台",
            resource.fields["year"].column_name: 2024,
            resource.fields["department"].column_name: "市商务局",
            resource.fields["counterparts"].column_name: world.lf.counterpart.name,
            resource.fields["agreement"].column_name: "XY-01",
            resource.fields["area"].column_name: "1",
            resource.fields["state"].column_name: "谋划中",
        }
    )
    preview = import_rows(client, CooperationItem, [header, list(row.values())])
    assert not preview.context["result"].has_validation_errors(), preview.content.decode()
    item = CooperationItem.objects.get(code="PT-01")
    assert item.tenant_id == LANGFANG and item.department == world.lf.department
    assert item.agreement == world.lf.agreement and item.area == world.lf.area
    assert list(item.counterparts.all()) == [world.lf.counterpart]


def test_another_citys_counterpart_is_no_counterpart(client, world):
    from cooperation.models import CooperationItem
    from cooperation.resources import CooperationItemResource

    rows = export(client, world.lf.supervisor, CooperationItem, CooperationItemResource)
    column = CooperationItemResource().fields["counterparts"].column_name
    row = dict(zip(rows[0], rows[1], strict=True))
    row[column] = world.dz.counterpart.name
    before = list(CooperationItem.objects.order_by("pk").values())
    preview = import_rows(client, CooperationItem, [rows[0], list(row.values())], True)
    assert preview.context["result"].has_validation_errors()
    assert list(CooperationItem.objects.order_by("pk").values()) == before


def test_targets_by_department_name_in_the_own_city(client, world):
    from performance.models import Target
    from performance.resources import MEASURE_FIELDS, TargetResource

    client.force_login(world.lf.supervisor)
    resource = TargetResource()
    names = ["year", "department", *MEASURE_FIELDS]
    header = [resource.fields[name].column_name for name in names]
    measures = [5] + [None] * (len(MEASURE_FIELDS) - 1)
    import_rows(client, Target, [header, [2024, "市商务局", *measures]])
    assert Target.objects.get().department == world.lf.department
    preview = import_rows(client, Target, [header, [2024, "市科学技术局", *measures]])
    assert "没有名为“市科学技术局”的部门" in preview.content.decode()
    assert Target.objects.count() == 1
