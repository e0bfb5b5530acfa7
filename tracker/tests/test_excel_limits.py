"""Uploaded ledgers that must be refused whole, in plain Chinese, before they cost much.

Every file here is built in the test: real workbooks (openpyxl), a real zip bomb (zipfile),
truncated and disguised files. Each refusal must name the problem in words an official
understands, never a Python exception, and leave the database as it was.
"""

import io
import os
import re
import tempfile
import zipfile

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.test import override_settings

from core import uploads
from core.spreadsheets import xlsx_bytes
from projects.models import Project
from projects.tests.test_excel import IMPORT, PROCESS, confirm, export, rows_of, upload, workbook

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
# What an official must never read: Python's names for what went wrong.
PYTHON_WORDS = (
    "StopIteration",
    "BadZipFile",
    "KeyError",
    "InvalidFileException",
    "InvalidDimensions",
    "ValueError",
    "TypeError",
    "IndexError",
    "OSError",
    "ParseError",
    "Traceback",
    "zipfile",
    "openpyxl",
)


def state():
    return list(Project.objects.order_by("code").values())


def small_workbook():
    return workbook([["编号", "名称"], ["DZ-X-1", "一个项目"]])


def rebuilt(base, replace):
    """The workbook ``base`` with members rewritten by ``replace(name, data, archive)``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if not replace(item.filename, source.read(item.filename), target):
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def zip_bomb(megabytes=200):
    """A valid-looking .xlsx whose sheet unpacks to ``megabytes`` MB of zeros."""

    def bomb(name, data, archive):
        if name != SHEET:
            return False
        with archive.open(SHEET, "w") as member:
            zeros = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(zeros)
        return True

    return rebuilt(small_workbook(), bomb)


def with_sheet_xml(xml, base=None):
    def swap(name, data, archive):
        if name != SHEET:
            return False
        archive.writestr(SHEET, xml)
        return True

    return rebuilt(base or small_workbook(), swap)


def sheet_xml(rows_xml, dimension=""):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{rows_xml}</sheetData></worksheet>"
    )


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def refusal(client, content, name="台账.xlsx"):
    """Upload ``content``: it must be refused; returns the message shown for the file."""
    before = state()
    response = upload(client, content, name=name)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    page = response.content.decode()
    for word in PYTHON_WORDS:
        assert word not in page, word
    assert state() == before
    # Sizes read "200.0 MB" with a no-break space; compare them with a plain one.
    return " ".join(response.context["form"].errors.get("import_file", [])).replace("\xa0", " ")


def test_a_zip_bomb_is_refused_from_its_table_of_contents(admin_client, project):
    bomb = zip_bomb(200)
    assert len(bomb) < 1024 * 1024  # 200 MB of zeros, sent in well under 1 MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo(SHEET).file_size == 200 * 1024 * 1024
    message = refusal(admin_client, bomb)
    # The bomb message, not "damaged": it was refused before any XML was parsed.
    assert "解压后却有 200.0 MB" in message and "不是正常的台账文件" in message


def test_a_small_file_that_inflates_a_thousandfold_is_refused(admin_client, project):
    # Valid XML (whitespace is allowed before the root), 3 MB unpacked from a few KB: under
    # the total cap, caught by the ratio.
    padded = sheet_xml(f"<row r='1'>{inline('A1', '编号')}</row>").replace(
        "<worksheet", " " * (3 * 1024 * 1024) + "<worksheet"
    )
    content = with_sheet_xml(padded)
    assert len(content) < 30 * 1024
    assert "不是正常的台账文件" in refusal(admin_client, content)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"code,name\nDZ-1,X\n", "读取文件时出错：这不是 Excel 工作簿"),
        ("编号,名称\nDZ-1,项目\n".encode("gbk"), "读取文件时出错：这不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 Excel 文件（.xls）"),
        (b"PK\x03\x04" + bytes(100), "已损坏或不完整"),
        (b"", "提交的是空文件"),
    ],
    ids=["csv-renamed", "gbk-csv-renamed", "old-xls", "zip-header-only", "empty-file"],
)
def test_files_that_are_no_xlsx_are_refused(admin_client, project, content, expected):
    assert expected in refusal(admin_client, content)


def test_a_truncated_workbook_is_refused_as_damaged(admin_client, project):
    whole = workbook([["编号", "名称"], *[[f"DZ-T-{i}", "项目" * 50] for i in range(200)]])
    assert "已损坏或不完整" in refusal(admin_client, whole[: len(whole) // 2])


def test_a_zip_that_is_not_a_workbook_is_refused(admin_client, project):
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "这不是 Excel 工作簿" in refusal(admin_client, document.getvalue())


def test_a_sheet_with_broken_xml_is_refused_as_damaged(admin_client, project):
    content = with_sheet_xml("<worksheet><sheetData><row r='1'><c r='A1'")
    assert "Excel 工作簿已损坏或不完整" in refusal(admin_client, content)


def test_an_unreadable_cell_is_named_by_sheet_and_row(admin_client, project):
    rows = (
        f"<row r='1'>{inline('A1', '编号')}{inline('B1', '总投资(万元)')}</row>"
        f"<row r='2'>{inline('A2', 'DZ-1')}<c r='B2'><v>1</v></c></row>"
        f"<row r='3'>{inline('A3', 'DZ-2')}<c r='B3' t='n'><v>五万</v></c></row>"
    )
    message = refusal(admin_client, with_sheet_xml(sheet_xml(rows)))
    assert "工作表“Sheet”第 3 行：有单元格无法读取" in message


def test_an_empty_workbook_is_refused(admin_client, project):
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    message = refusal(admin_client, buffer.getvalue())
    assert "工作表“Sheet”是空的" in message and "第 1 行应为各列表头" in message


def test_headers_only_says_there_is_nothing_to_import(admin_client, project):
    before = state()
    page = upload(admin_client, workbook([["编号", "名称"], [None, None]])).content.decode()
    assert "没有可导入的有效数据" in page
    assert state() == before


def test_two_columns_with_one_header_are_named(admin_client, project):
    rows = [["编号", "名称", "投资方", "阶段", "名称"], ["DZ-1", "甲", "乙", "洽谈", "丙"]]
    message = refusal(admin_client, workbook(rows))
    assert "第 1 行（表头）：第 B 列和第 E 列都叫“名称”" in message


@override_settings(TRACKER_IMPORT_MAX_BYTES=4096)
def test_a_file_over_the_byte_limit_is_refused_with_advice(admin_client, project):
    content = workbook([["编号", "名称"], *[[f"DZ-B-{i}", f"项目{i}" * 20] for i in range(300)]])
    assert len(content) > 4096
    message = refusal(admin_client, content)
    assert "超过每次导入的上限 4.0 KB" in message and "拆分为多个文件" in message


@override_settings(TRACKER_IMPORT_MAX_ROWS=3)
def test_too_many_rows_are_refused_with_the_count_and_advice(admin_client, project):
    rows = rows_of(export(admin_client))
    header, row = rows[0], rows[1]
    many = [header] + [[f"DZ-R-{i}", *row[1:]] for i in range(5)]
    message = refusal(admin_client, workbook(many))
    assert "工作表“Sheet”有 5 行数据，超过每次导入的上限 3 行" in message
    assert "请拆分为多个文件（每个文件都保留第一行表头）分别导入" in message


@override_settings(TRACKER_IMPORT_MAX_ROWS=3)
def test_too_many_rows_in_a_sheet_that_declares_no_size_are_refused(admin_client, project):
    # Our own exports (openpyxl's write-only mode) do not declare the sheet's size; reading
    # stops at the first row over the limit.
    rows = [["编号", "名称"], *[[f"DZ-R-{i}", "项目"] for i in range(5000)]]
    message = refusal(admin_client, xlsx_bytes(rows[0], rows[1:]))
    assert "工作表“Sheet1”的数据超过 3 行，即每次导入的上限" in message
    assert "请拆分为多个文件" in message


@override_settings(TRACKER_IMPORT_MAX_ROWS=3)
def test_an_honest_file_too_big_once_unpacked_is_told_to_split(admin_client, project, monkeypatch):
    monkeypatch.setattr(uploads, "UNZIPPED_BYTES_FLOOR", 64 * 1024)
    rows = [[f"DZ-U-{i}", f"第{i}个项目", f"投资方{i * 7919 % 10007}"] for i in range(3000)]
    content = workbook([["编号", "名称", "投资方"], *rows])
    message = refusal(admin_client, content)
    assert "文件解压后有" in message and "超过每次导入的上限 64.0 KB" in message
    assert "不是正常的台账文件" not in message


@override_settings(TRACKER_IMPORT_MAX_ROWS=3)
def test_as_many_rows_as_the_limit_import_and_trailing_blank_rows_do_not_count(
    admin_client, project
):
    rows = rows_of(export(admin_client))
    header, row = rows[0], rows[1]
    exact = [header] + [[f"DZ-R-{i}", *row[1:]] for i in range(3)] + [[None] * len(header)] * 50
    preview = upload(admin_client, workbook(exact))
    assert [r.import_type for r in preview.context["result"].rows] == ["new"] * 3
    confirm(admin_client, preview)
    assert Project.objects.filter(code__startswith="DZ-R-").count() == 3


def test_a_blank_row_in_the_middle_keeps_excel_row_numbers(admin_client, project):
    rows = rows_of(export(admin_client))
    header, row = rows[0], list(rows[1])
    bad = list(row)
    bad[header.index("签约日期")] = "不是日期"
    page = upload(admin_client, workbook([header, row, [None] * len(header), bad])).content
    # The bad row is the 4th row of the sheet (header, good, blank, bad).
    assert "<td>4</td>" in page.decode()


def test_a_false_sheet_size_is_ignored(admin_client, project):
    # "A1:XFD1048576" would make a reader pad a million rows of 16,384 empty cells.
    base = workbook(rows_of(export(admin_client)))
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        xml = archive.read(SHEET).decode()
    lying = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
    assert lying != xml
    preview = upload(admin_client, with_sheet_xml(lying, base))
    assert [r.import_type for r in preview.context["result"].rows] == ["skip"]


def confirm_with_file(client, name):
    return client.post(
        PROCESS,
        {
            "import_file_name": name,
            "original_file_name": "台账.xlsx",
            "format": "0",
            "resource": "0",
        },
    )


def test_confirming_a_file_that_is_gone_changes_nothing_and_says_so(admin_client, project):
    before = state()
    response = confirm_with_file(admin_client, "tmp-file-that-was-never-written")
    assert response.status_code == 302 and response["Location"] == IMPORT
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["未导入任何数据，请重新上传文件。"]
    assert state() == before


def test_confirming_a_swapped_stored_file_checks_it_again(admin_client, project):
    # The confirmation names the stored file in a hidden field; a bomb put there is refused.
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    with os.fdopen(handle, "wb") as stored:
        stored.write(zip_bomb(50))
    before = state()
    try:
        response = confirm_with_file(admin_client, os.path.basename(path))
    finally:
        if os.path.exists(path):
            os.remove(path)
    assert response.status_code == 302
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("未导入任何数据") and "不是正常的台账文件" in message
    assert state() == before


def test_rows_refused_at_confirmation_roll_back_and_are_reported(
    client, official_user, project, other_department
):
    client.force_login(official_user)
    rows = rows_of(export(client))
    header = rows[0]
    new = list(rows[1])
    new[header.index("编号")] = "DZ-LATE-1"
    preview = upload(client, workbook([header, rows[1], new]))
    assert sorted(r.import_type for r in preview.context["result"].rows) == ["new", "skip"]
    # Between the preview and the confirmation another department takes that code.
    Project.objects.create(
        code="DZ-LATE-1",
        name="别的部门的项目",
        host_division=project.host_division,
        year=2024,
        responsible_department=other_department,
    )
    before = state()
    response = confirm(client, preview)
    assert response.status_code == 302 and response["Location"] == IMPORT
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["未导入任何数据：预览之后记录已有变化。请重新上传文件，查看具体问题。"]
    assert state() == before


@override_settings(TRACKER_IMPORT_MAX_BYTES=2 * 1024 * 1024, TRACKER_IMPORT_MAX_ROWS=800)
def test_the_import_page_states_the_limits(admin_client):
    page = admin_client.get(IMPORT).content.decode().replace("\xa0", " ")
    assert "不超过 2.0 MB、800 行数据" in page
    assert 'accept=".xlsx,' in page
