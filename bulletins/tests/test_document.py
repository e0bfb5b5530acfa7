"""The writers on hand-made content: the official layout, fonts by name, neutralised
formulas, and the same bytes for the same content."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.utils import translation

from bulletins.annex import xlsx_annex
from bulletins.content import MEASURES, Figures, document_number, yi
from bulletins.document import docx_bytes
from bulletins.reproducible import fixed_zip

from .sample import HOSTILE, sample_content


@pytest.fixture(autouse=True)
def english():
    # Assertions below read the English sources; the layout does not depend on the language.
    with translation.override("en"):
        yield


def document_text(data):
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells), document


def test_the_measures_are_the_counting_rules_measures():
    from performance.counting import Measure

    assert set(MEASURES) == set(Measure.values)


def test_document_numbers_derive_from_the_period():
    assert (
        document_number("德协办通", "month", datetime.date(2023, 12, 1)) == "德协办通〔2023〕12号"
    )
    # ISO week 52 of 2023; the weekly series has a mark of its own.
    assert (
        document_number("德协办通", "week", datetime.date(2023, 12, 25)) == "德协办通周〔2023〕52号"
    )
    assert yi(Decimal("1177700")) == "117.77"


def test_the_document_has_the_official_layout_and_the_figures():
    content = sample_content()
    text, document = document_text(docx_bytes(content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    header = document.paragraphs[0]
    assert header.text == content.issuer
    assert str(header.runs[0].font.color.rgb) == "FF0000"
    assert document.paragraphs[1].text == "德协办通〔2023〕12号"
    assert 'w:color="FF0000"' in document.paragraphs[1]._p.xml  # the red rule
    assert document.paragraphs[2].text == content.title
    assert document.paragraphs[2].runs[0].font.size.pt == 22
    assert "169 projects of over 100 million yuan from Beijing, Tianjin and Hebei" in text
    assert "117.77 hundred million yuan of funds in place" in text
    assert "12 projects started (3 more than in the previous period)" in text
    assert "Red list: 陵城区、禹城市. Black list: " + HOSTILE in text
    assert "2 of the projects counted this year are possible duplicates" in text
    assert "KT-2023-007 制定对接服务清单" in text and "用地指标不足" in text
    assert "12/31/2023" in text  # the date, in the site's language (2023年12月31日 in Chinese)
    assert len(document.tables) == 5  # counties, departments, cooperation, overdue, problems
    assert [c.text for c in document.tables[0].rows[1].cells][:4] == ["1", "+2", "陵城区", "98.50"]


def test_fonts_are_named_for_chinese_on_styles_and_runs():
    data = docx_bytes(sample_content())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("word/styles.xml").decode()
        body = archive.read("word/document.xml").decode()
    for font in ("仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"):
        assert f'w:eastAsia="{font}"' in styles
        assert f'w:eastAsia="{font}"' in body
    assert 'w:eastAsia="zh-CN"' in styles
    assert 'w:sz w:val="32"' in styles  # 三号 (16 pt) body
    assert 'w:sz w:val="44"' in styles  # 二号 (22 pt) title


def test_the_same_content_gives_the_same_bytes():
    assert docx_bytes(sample_content()) == docx_bytes(sample_content())
    assert xlsx_annex(sample_content()) == xlsx_annex(sample_content())
    changed = sample_content(period=Figures(signed=5))
    assert docx_bytes(changed) != docx_bytes(sample_content())


def test_files_are_stamped_with_the_period_not_the_clock():
    for data in (docx_bytes(sample_content()), xlsx_annex(sample_content())):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            assert names[0] == "[Content_Types].xml"
            assert {entry.date_time for entry in archive.infolist()} == {(2023, 12, 31, 12, 0, 0)}
            core = archive.read("docProps/core.xml").decode()
        stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)
        assert stamps == ["2023-12-31T12:00:00Z"] * 2


def test_fixed_zip_is_idempotent():
    data = docx_bytes(sample_content())
    assert fixed_zip(data, datetime.datetime(2023, 12, 31, 12)) == data


def test_the_annex_holds_every_table_with_formulas_kept_as_text():
    content = sample_content()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_annex(content)))
    assert book.sheetnames == [
        "Headline",
        "Counties",
        "Departments",
        "Cooperation",
        "Overdue key tasks",
        "Open problems",
    ]
    headline = {row[0]: row[1:] for row in book["Headline"].iter_rows(min_row=2, values_only=True)}
    assert headline["Beijing-Tianjin-Hebei projects of over 100 million yuan started"][3] == 169
    assert headline["Their funds in place (10,000 yuan)"][3] == 1177700
    counties = book["Counties"]
    hostile = counties.cell(row=4, column=3)
    assert hostile.value == HOSTILE and hostile.data_type == "s" and hostile.quotePrefix
    departments = book["Departments"]
    headers = [cell.value for cell in departments[1]]
    assert headers[-2:] == ["On-time report rate", "Overdue key tasks"]
    assert len(headers) == 6 + 4 * len(MEASURES) + 2
    assert departments.cell(row=2, column=3).value == "德州市商务局"


def test_a_weekly_bulletin_and_empty_lists():
    content = sample_content(
        kind="week", end=datetime.date(2024, 1, 7), overdue_tasks=(), open_problems=()
    )
    text, document = document_text(docx_bytes(content))
    assert document.paragraphs[1].text == "德协办通周〔2024〕1号"
    assert "week 1 of 2024 (1/1 to 1/7)" in text
    assert "no key task was overdue" in text and "no problem raised was left unsolved" in text
    # The year's first week has no earlier period of the same year to compare with.
    assert "the year's first period" in text
    assert len(document.tables) == 3  # the rankings and the cooperation ledger
