"""The key-task ledger in Excel: round trip, and bad cells refused whole."""

import datetime

import pytest
from django.urls import reverse

from projects.tests.test_excel import rows_of, workbook
from tracker.choices import TaskStatus
from tracker.models import KeyTask
from tracker.resources import KeyTaskResource

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:tracker_keytask_export")
IMPORT = reverse("admin:tracker_keytask_import")
PROCESS = reverse("admin:tracker_keytask_process_import")


@pytest.fixture
def tasks(task, other_department):
    task.supporting_departments.set([other_department])
    KeyTask.objects.create(
        code="KT-2023-002",
        year=2023,
        title="已完成的任务",
        work_point=task.work_point,
        lead_department=other_department,
        deadline=datetime.date(2023, 3, 31),
        status=TaskStatus.DONE,
        progress=100,
        completed_on=datetime.date(2023, 3, 30),
    )
    return KeyTask.objects.order_by("code")


def export(client):
    fields = {f"keytaskresource_{name}": "on" for name in KeyTaskResource._meta.fields}
    response = client.post(EXPORT, {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    return rows_of(response.content)


def upload(client, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        IMPORT,
        {
            "import_file": SimpleUploadedFile("任务台账.xlsx", workbook(rows)),
            "format": "0",
            "resource": "0",
        },
    )


def state():
    return [
        (t, sorted(t.pop("supporting") or []))
        for t in (
            {
                **values,
                "supporting": list(
                    KeyTask.objects.get(pk=values["id"]).supporting_departments.values_list(
                        "pk", flat=True
                    )
                ),
            }
            for values in KeyTask.objects.order_by("code").values()
        )
    ]


def test_task_ledger_round_trip_changes_nothing(admin_client, tasks):
    rows = export(admin_client)
    header = rows[0]
    assert header[:3] == ["编号", "年度", "标题"]
    first = dict(zip(header, next(r for r in rows if r[0] == "KT-2023-001"), strict=True))
    assert first["工作要点"].startswith("2023-01 ")
    assert first["配合单位"] == "市科学技术局"
    assert first["状态"] == "未启动"
    before = state()
    preview = upload(admin_client, rows)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}
    form = preview.context["confirm_form"]
    admin_client.post(PROCESS, {name: form.initial[name] for name in form.fields})
    assert state() == before


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("状态", "快完成了", "不是以下之一"),
        ("配合单位", "市科学技术局、不存在的办", "没有名为“不存在的办”的部门"),
        ("工作要点", "2031-99", "没有工作要点"),
        ("完成时限", "明年", "不是日期"),
        ("进度(%)", 150, "进度"),
    ],
)
def test_bad_task_cell_is_refused_and_nothing_changes(admin_client, tasks, column, value, message):
    rows = export(admin_client)
    header = rows[0]
    rows[1][header.index("标题")] = "会被回滚的修改"
    rows[2][header.index(column)] = value
    before = state()
    page = upload(admin_client, rows).content.decode()
    assert message in page
    assert state() == before


def test_lead_department_cannot_also_support(admin_client, tasks):
    rows = export(admin_client)
    header = rows[0]
    row = next(r for r in rows if r[0] == "KT-2023-001")
    row[header.index("配合单位")] = row[header.index("牵头单位")]
    page = upload(admin_client, [header, row]).content.decode()
    assert "牵头单位不能同时作为配合单位" in page
