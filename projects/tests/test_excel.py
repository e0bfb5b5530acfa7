"""The project ledger in Excel: export the filtered list, import with preview, all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing.workbooks import rows_of, workbook
from projects.choices import IndustryChainGroup, Stage
from projects.models import IndustryChain, Project
from projects.resources import ProjectResource
from regions.models import Park

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:projects_project_export")
IMPORT = reverse("admin:projects_project_import")
PROCESS = reverse("admin:projects_project_process_import")


@pytest.fixture
def ledger(project, other_department, lingcheng):
    """Three projects using every kind of cell: names, labels, dates, money, yes/no."""
    park = Park.objects.create(
        name="陵城经济开发区", kind="provincial_development_zone", division=lingcheng
    )
    IndustryChain.objects.create(name="生物医药", group=IndustryChainGroup.HEBEI_SIX_CHAINS)
    shared = IndustryChain.objects.create(
        name="生物医药", group=IndustryChainGroup.HEBEI_FIVE_CLUSTERS
    )
    project.stage = Stage.UNDER_CONSTRUCTION
    project.signed_on = datetime.date(2023, 2, 16)
    project.started_on = datetime.date(2023, 5, 20)
    project.planned_production_on = datetime.date(2026, 6, 30)
    project.funds_in_place = Decimal("15600.55")
    project.park = park
    project.industry_chain = shared
    project.is_key = True
    project.base_function = "industry_transfer"
    project.save()
    Project.objects.create(
        code="DZ-2023-002",
        name="第二个项目",
        host_division=lingcheng,
        year=2023,
        responsible_department=project.responsible_department,
        stage=Stage.LEAD,
    )
    Project.objects.create(
        code="DZ-2024-001",
        name="别的年度",
        host_division=lingcheng,
        year=2024,
        responsible_department=other_department,
        stage=Stage.NEGOTIATING,
    )
    return project


def export(client, query=""):
    fields = {f"projectresource_{name}": "on" for name in ProjectResource._meta.fields}
    response = client.post(f"{EXPORT}?{query}", {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response.content


def upload(client, content, name="台账.xlsx"):
    return client.post(
        IMPORT,
        {"import_file": SimpleUploadedFile(name, content), "format": "0", "resource": "0"},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS, {name: form.initial[name] for name in form.fields})


def state():
    return list(Project.objects.order_by("code").values())


def test_export_follows_the_filters_with_chinese_headers(admin_client, ledger):
    rows = rows_of(export(admin_client, "year__exact=2023"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["编号", "名称", "投资方", "来源地"]
    assert "到位资金(万元)" in header and "责任部门" in header
    assert sorted(row[0] for row in body) == ["DZ-2023-001", "DZ-2023-002"]
    first = dict(zip(header, next(r for r in body if r[0] == "DZ-2023-001"), strict=True))
    assert first["阶段"] == "开工在建"
    assert first["签约日期"] == "2023-02-16"
    assert first["到位资金(万元)"] in ("15600.55", 15600.55)
    assert first["产业链"] == "生物医药(河北“五群”)"
    assert first["重点项目"] == "是"


def test_export_then_import_changes_nothing(admin_client, ledger):
    content = export(admin_client)
    before = state()
    history_before = Project.history.count()
    preview = upload(admin_client, content)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert confirm(admin_client, preview).status_code == 302
    assert state() == before
    assert Project.history.count() == history_before


def test_import_previews_then_applies_new_and_changed_rows(admin_client, ledger, department):
    rows = rows_of(export(admin_client))
    header = rows[0]
    changed = dict(zip(header, next(r for r in rows if r[0] == "DZ-2023-001"), strict=True))
    changed["投资方"] = "改过的投资方"
    new = dict(
        changed,
        **{
            "编号": "DZ-2026-900",
            "名称": "新导入项目",
            "阶段": "洽谈",
            "开工日期": None,
            "签约日期": None,
            "到位资金(万元)": 0,
        },
    )
    content = workbook([header, list(changed.values()), list(new.values())])
    preview = upload(admin_client, content)
    assert sorted(row.import_type for row in preview.context["result"].rows) == ["new", "update"]
    assert not Project.objects.filter(code="DZ-2026-900").exists()  # a preview changes nothing
    confirm(admin_client, preview)
    assert Project.objects.get(code=changed["编号"]).investor == "改过的投资方"
    created = Project.objects.get(code="DZ-2026-900")
    assert created.stage == Stage.NEGOTIATING and created.responsible_department == department


def error_page(client, content):
    response = upload(client, content)
    assert response.status_code == 200
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    return response.content.decode()


@pytest.fixture
def good_rows(admin_client, ledger):
    return rows_of(export(admin_client))


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("签约日期", "2023-13-45", "不是日期"),
        ("责任部门", "不存在的局", "没有名为“不存在的局”的部门"),
        ("总投资(万元)", -100, "总投资"),
        ("阶段", "建成", "不是以下之一"),
    ],
)
def test_a_bad_cell_names_row_and_column_and_nothing_is_imported(
    admin_client, good_rows, column, value, message
):
    header = good_rows[0]
    bad = list(good_rows[2])
    bad[header.index(column)] = value
    good = list(good_rows[1])
    good[header.index("投资方")] = "本应更新但不会"
    before = state()
    page = error_page(admin_client, workbook([header, good, bad]))
    assert message in page
    assert "Excel 行号" in page and f"<td>{3}</td>" in page and column in page
    assert state() == before


def test_missing_columns_are_named(admin_client, good_rows):
    header = good_rows[0]
    keep = [i for i, name in enumerate(header) if name not in ("阶段", "责任部门")]
    rows = [[row[i] for i in keep] for row in good_rows]
    before = state()
    page = error_page(admin_client, workbook(rows))
    assert "文件缺少以下列" in page and "阶段" in page and "责任部门" in page
    assert state() == before


def test_empty_file_says_so(admin_client, good_rows):
    before = state()
    page = error_page(admin_client, workbook([good_rows[0]]))
    assert "没有可导入的有效数据" in page
    assert state() == before


def test_non_excel_file_is_refused_with_a_message(admin_client, ledger):
    before = state()
    response = upload(admin_client, b"code,name\nX,Y\n", name="ledger.xlsx")
    assert response.status_code == 200
    assert "读取文件时出错" in response.content.decode()
    assert state() == before


def test_official_cannot_import_another_departments_projects(
    client, official_user, ledger, other_department
):
    client.force_login(official_user)
    rows = rows_of(export(client))
    header = rows[0]
    theirs = next(r for r in rows[1:] if r[header.index("责任部门")] == other_department.short_name)
    theirs = list(theirs)
    theirs[header.index("名称")] = "越权修改"
    before = state()
    page = error_page(client, workbook([header, theirs]))
    assert "该记录属于其他部门" in page
    mine_for_them = list(rows[1])
    mine_for_them[header.index("编号")] = "DZ-NEW-9"
    mine_for_them[header.index("责任部门")] = other_department.short_name
    page = error_page(client, workbook([header, mine_for_them]))
    assert "只能导入本部门的记录" in page
    assert state() == before
