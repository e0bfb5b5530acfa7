"""Text that looks like a formula leaves the tracker as text, in every .xlsx and .csv.

A project or task named ``=HYPERLINK("http://x","y")`` or ``-1+2`` must open in Excel as
that text (never run), and an admin export re-imported must change nothing.
"""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.spreadsheets import csv_cell, csv_text, xlsx_bytes
from projects.models import Project
from projects.tests.test_excel import confirm, export, upload
from tracker.models import KeyTask
from tracker.resources import KeyTaskResource

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "-1+2"
RISKY = [HYPERLINK, SUM, "+1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def risky_project(project):
    project.name = HYPERLINK
    project.investor = SUM
    project.description = "@SUM(1,2)"
    project.save()
    return project


@pytest.fixture
def risky_task(task):
    task.title = HYPERLINK
    task.description = SUM
    task.save()
    return task


def sheet_of(content):
    """The first sheet as openpyxl reads it in full (not read-only), with cell types."""
    return openpyxl.load_workbook(io.BytesIO(content)).active


def cell_under(sheet, header, row=2):
    headers = [cell.value for cell in sheet[1]]
    return sheet.cell(row=row, column=headers.index(header) + 1)


def assert_text_cell(cell, value):
    assert cell.value == value
    assert cell.data_type == "s"  # "f" would be a formula Excel runs
    assert cell.quotePrefix  # and Excel keeps it text when the cell is edited


def test_project_export_writes_formula_like_text_as_text(admin_client, risky_project):
    sheet = sheet_of(export(admin_client))
    assert_text_cell(cell_under(sheet, "名称"), HYPERLINK)
    assert_text_cell(cell_under(sheet, "投资方"), SUM)
    assert_text_cell(cell_under(sheet, "说明"), "@SUM(1,2)")
    # Numbers stay numbers, so that officials can still sum the money columns.
    assert cell_under(sheet, "总投资(万元)").data_type == "n"


def test_project_export_then_import_changes_nothing(admin_client, risky_project):
    before = list(Project.objects.values())
    history = Project.history.count()
    preview = upload(admin_client, export(admin_client))
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["skip"]
    assert confirm(admin_client, preview).status_code == 302
    assert list(Project.objects.values()) == before
    assert Project.history.count() == history


def test_task_export_then_import_changes_nothing(admin_client, risky_task):
    fields = {f"keytaskresource_{name}": "on" for name in KeyTaskResource._meta.fields}
    response = admin_client.post(
        reverse("admin:tracker_keytask_export"), {"format": "0", "resource": "0", **fields}
    )
    sheet = sheet_of(response.content)
    assert_text_cell(cell_under(sheet, "标题"), HYPERLINK)
    assert_text_cell(cell_under(sheet, "说明"), SUM)
    before = list(KeyTask.objects.values())
    preview = admin_client.post(
        reverse("admin:tracker_keytask_import"),
        {
            "import_file": SimpleUploadedFile("任务台账.xlsx", response.content),
            "format": "0",
            "resource": "0",
        },
    )
    assert [row.import_type for row in preview.context["result"].rows] == ["skip"]
    confirm_form = preview.context["confirm_form"]
    admin_client.post(
        reverse("admin:tracker_keytask_process_import"),
        {name: confirm_form.initial[name] for name in confirm_form.fields},
    )
    assert list(KeyTask.objects.values()) == before


def test_api_xlsx_writes_formula_like_text_as_text(client, supervisor_user, risky_project):
    client.force_login(supervisor_user)
    response = client.get("/api/v1/projects/?format=xlsx")
    assert response.status_code == 200
    sheet = sheet_of(response.content)
    assert_text_cell(cell_under(sheet, "name"), HYPERLINK)
    assert_text_cell(cell_under(sheet, "investor"), SUM)


def test_api_csv_quotes_formula_like_text(client, supervisor_user, risky_project):
    client.force_login(supervisor_user)
    response = client.get("/api/v1/projects/?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == "'" + HYPERLINK
    assert rows[0]["investor"] == "'" + SUM
    assert rows[0]["code"] == risky_project.code


@pytest.mark.parametrize("text", RISKY)
def test_csv_cells_that_start_a_formula_get_a_quote(text):
    assert csv_cell(text) == "'" + text
    (row,) = list(csv.reader(io.StringIO(csv_text(["h"], [[text]]).lstrip("\ufeff"))))[1:]
    assert row == ["'" + text]


@pytest.mark.parametrize("value", ["数字化工厂", "a=b", "", None, -5, 3.5, "-12.50", "+3", "0"])
def test_csv_cells_that_cannot_start_a_formula_are_left_alone(value):
    # A plain signed number ("-12.50": DRF sends decimals as text) is a number, not a formula.
    assert csv_cell(value) == value


@pytest.mark.parametrize("text", RISKY)
def test_xlsx_text_is_text_whatever_it_starts_with(text):
    cell = sheet_of(xlsx_bytes(["名称"], [[text]]))["A2"]
    # XML reads a bare carriage return as a line feed, unless the writer escaped it (openpyxl
    # does when lxml is installed, as python-docx needs); either way the cell is text.
    assert cell.value in (text, text.replace("\r", "\n")) and cell.data_type == "s"


def test_xlsx_drops_control_characters_and_keeps_types():
    sheet = sheet_of(xlsx_bytes(["a", "b", "c"], [["x\x01y", 12, "#N/A"]]))
    assert sheet["A2"].value == "xy"
    assert (sheet["B2"].value, sheet["B2"].data_type) == (12, "n")
    # An error code typed as text stays text (openpyxl alone would write an error cell).
    assert (sheet["C2"].value, sheet["C2"].data_type) == ("#N/A", "s")
