"""The cooperation ledger in Excel: export, import with preview, all or nothing, errors by
row and column, counterparts by name, names full of HTML or formulas kept as text."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperation import services
from cooperation.choices import CooperationKind, CooperationState, CounterpartKind
from cooperation.models import AgreementArea, CooperationItem, Counterpart
from cooperation.resources import CooperationItemResource
from core.testing.workbooks import rows_of, workbook

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:cooperation_cooperationitem_export")
IMPORT = reverse("admin:cooperation_cooperationitem_import")
PROCESS = reverse("admin:cooperation_cooperationitem_process_import")
HOSTILE = '=HYPERLINK("http://evil.example","点我")<script>alert(1)</script>'


def column(name):
    """The header of a ledger field, as the page's language names it."""
    return CooperationItemResource().fields[name].column_name


@pytest.fixture
def ledger(department, other_department, beijing, lingcheng, project):
    tsinghua = Counterpart.objects.create(
        name="清华大学", kind=CounterpartKind.UNIVERSITY, division=beijing
    )
    hostile = Counterpart.objects.create(name=HOSTILE, kind=CounterpartKind.FIRM)
    agreement = services.save_item(
        CooperationItem(
            code="XY-01",
            title="与朝阳区战略合作框架协议",
            kind=CooperationKind.AGREEMENT,
            year=2023,
            department=department,
            started_on=datetime.date(2023, 3, 1),
        )
    )
    area = services.save_area(AgreementArea(agreement=agreement, number=3, title="科技创新"))
    services.save_item(
        CooperationItem(
            code="PT-01",
            title=HOSTILE,
            kind=CooperationKind.PLATFORM,
            year=2023,
            department=department,
            division=lingcheng,
            agreement=agreement,
            area=area,
            deadline=datetime.date(2023, 12, 31),
            investment=Decimal("1200.50"),
            project=project,
        ),
        counterparts=[tsinghua, hostile],
        landed_on=datetime.date(2023, 6, 1),
    )
    services.save_item(
        CooperationItem(
            code="RC-01",
            title="京津专家服务团",
            kind=CooperationKind.TALENT,
            year=2023,
            department=other_department,
            people=120,
        ),
        counterparts=[tsinghua],
    )


def export(client, query=""):
    names = CooperationItemResource._meta.fields
    fields = {f"cooperationitemresource_{name}": "on" for name in names}
    response = client.post(f"{EXPORT}?{query}", {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    return response.content


def upload(client, content):
    return client.post(
        IMPORT,
        {"import_file": SimpleUploadedFile("台账.xlsx", content), "format": "0", "resource": "0"},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS, {name: form.initial[name] for name in form.fields})


def state():
    items = list(CooperationItem.objects.order_by("code").values())
    links = list(CooperationItem.counterparts.through.objects.order_by("pk").values())
    return items, links


def by_code(rows, code):
    return dict(zip(rows[0], next(r for r in rows if r[0] == code), strict=True))


def test_the_export_writes_names_labels_and_formulas_as_text(admin_client, ledger, project):
    content = export(admin_client)
    rows = rows_of(content)
    platform = by_code(rows, "PT-01")
    assert platform[column("title")] == HOSTILE  # a text cell, not a formula
    assert sorted(platform[column("counterparts")].split("、")) == sorted(["清华大学", HOSTILE])
    assert platform[column("kind")] == str(CooperationKind.PLATFORM.label)
    assert platform[column("state")] == str(CooperationState.ACHIEVED.label)
    assert platform[column("agreement")] == "XY-01"
    assert platform[column("area")] == "3. 科技创新"
    assert platform[column("project")] == project.code
    assert platform[column("achieved_on")] == "2023-06-01"
    assert platform[column("investment")] in (1200.5, "1200.50")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_then_import_changes_nothing(admin_client, ledger):
    content = export(admin_client)
    before = state()
    preview = upload(admin_client, content)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert confirm(admin_client, preview).status_code == 302
    assert state() == before


def test_an_import_adds_and_changes_rows_with_counterparts_by_name(
    admin_client, ledger, other_department
):
    rows = rows_of(export(admin_client))
    talent = by_code(rows, "RC-01")
    talent[column("people")] = 150
    talent[column("counterparts")] = f"清华大学；{HOSTILE}"
    new = dict(talent)
    new.update(
        {
            column("code"): "YL-09",
            column("title"): "与北京大学人民医院共建医联体",
            column("kind"): str(CooperationKind.MEDICAL_CONSORTIUM.label),
            column("counterparts"): "清华大学",
            column("deadline"): "2023/9/30",
        }
    )
    preview = upload(admin_client, workbook([rows[0], list(talent.values()), list(new.values())]))
    assert sorted(r.import_type for r in preview.context["result"].rows) == ["new", "update"]
    assert not CooperationItem.objects.filter(code="YL-09").exists()
    assert confirm(admin_client, preview).status_code == 302
    changed = CooperationItem.objects.get(code="RC-01")
    assert changed.people == 150
    assert sorted(c.name for c in changed.counterparts.all()) == sorted(["清华大学", HOSTILE])
    created = CooperationItem.objects.get(code="YL-09")
    assert created.deadline == datetime.date(2023, 9, 30)
    assert created.department == other_department
    assert [c.name for c in created.counterparts.all()] == ["清华大学"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("counterparts", "清华大学、不存在的大学"),
        ("started_on", "2023-13-45"),
        ("kind", "不是种类"),
        ("area", "99"),
        ("department", "不存在的局"),
        ("people", -5),
        ("year", 2024.7),  # a typing slip, not 2024
        ("area", "²"),  # a superscript is not an area number
    ],
)
def test_a_bad_cell_names_its_row_and_column_and_nothing_is_imported(
    admin_client, ledger, field, value
):
    rows = rows_of(export(admin_client))
    header = rows[0]
    good = list(rows[1])
    good[header.index(column("description"))] = "本应更新但不会"
    bad = list(next(r for r in rows if r[0] == "PT-01"))
    bad[header.index(column(field))] = value
    before = state()
    response = upload(admin_client, workbook([header, good, bad]))
    page = response.content.decode()
    assert response.status_code == 200 and not response.context.get("confirm_form")
    assert column(field) in page and "<td>3</td>" in page
    assert state() == before


def test_the_state_of_a_reported_item_is_not_changed_by_import(admin_client, ledger):
    rows = rows_of(export(admin_client))
    platform = by_code(rows, "PT-01")
    platform[column("state")] = str(CooperationState.STOPPED.label)
    before = state()
    response = upload(admin_client, workbook([rows[0], list(platform.values())]))
    assert column("state") in response.content.decode()
    assert state() == before


def test_an_official_imports_only_their_departments_items(
    client, official_user, ledger, other_department
):
    client.force_login(official_user)
    rows = rows_of(export(client))
    theirs = by_code(rows, "RC-01")
    theirs[column("title")] = "越权修改"
    before = state()
    response = upload(client, workbook([rows[0], list(theirs.values())]))
    assert column("department") in response.content.decode()
    mine_for_them = by_code(rows, "XY-01")
    mine_for_them[column("code")] = "XY-NEW"
    mine_for_them[column("department")] = other_department.short_name
    response = upload(client, workbook([rows[0], list(mine_for_them.values())]))
    assert not response.context.get("confirm_form")
    assert state() == before


def test_two_rows_with_one_code_refuse_the_file(admin_client, ledger):
    rows = rows_of(export(admin_client))
    header, first = rows[0], list(rows[1])
    second = list(first)
    second[header.index(column("title"))] = "同一编号的第二行"
    before = state()
    response = upload(admin_client, workbook([header, first, second]))
    assert response.status_code == 200 and not response.context.get("confirm_form")
    assert column("code") in response.content.decode()
    assert state() == before
