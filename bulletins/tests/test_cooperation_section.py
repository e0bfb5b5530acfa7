"""The bulletin's cooperation section (三、京津冀合作事项) on hand-made content: the sentence,
the table by kind with its total, the headings after it renumbered, the annex's sheet, and
an empty ledger told in words without a table."""

import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.utils import translation

from bulletins.annex import xlsx_annex
from bulletins.content import CooperationLine, cooperation_total
from bulletins.document import docx_bytes

from .sample import COOPERATION, HOSTILE, sample_content


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def paragraphs_and_tables(data):
    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs], document.tables


def table_rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_total_sums_every_line():
    total = cooperation_total(COOPERATION)
    assert (total.kind, total.label) == ("", "")
    assert total.items == 74 + 3 + 36 + 33 + 78 + 34 + 12 + 7 + 2
    assert total.started == 16 and total.achieved == 21
    assert total.investment == Decimal("158900.50")
    assert (total.people, total.landed_projects) == (1200, 11)
    assert total.landed_investment == Decimal("146900")
    assert cooperation_total(()) == CooperationLine("", "")


def test_the_section_comes_third_with_its_table_and_total():
    paragraphs, tables = paragraphs_and_tables(docx_bytes(sample_content()))
    headings = [text for text in paragraphs if text[:2] in {f"{n}." for n in range(1, 8)}]
    assert headings == [
        "1. Overall progress",
        "2. Completion of the annual targets and rankings",
        "3. Cooperation with Beijing, Tianjin and Hebei",
        "4. Key tasks overdue",
        "5. Problems not yet solved",
        "6. Next steps",
    ]
    after = paragraphs[paragraphs.index(headings[2]) + 1]
    assert after == (
        "The ledger of 2023 records 279 cooperation items with Beijing, Tianjin and Hebei, "
        "11 of which have landed as investment projects with a total investment of 14.69 "
        "hundred million yuan; in 12/2023, 16 items started and 21 were achieved. By kind:"
    )
    rows = table_rows(tables[2])
    assert rows[0][:2] == ["Kind of cooperation", "Items this year"]
    assert len(rows) == 1 + len(COOPERATION) + 1
    by_kind = {row[0]: row[1:] for row in rows[1:]}
    assert by_kind["创新平台"] == ["36", "4", "3", "1.20", "0", "0", "0.00"]
    assert by_kind["孵化项目"] == ["34", "1", "2", "14.69", "0", "11", "14.69"]
    assert by_kind["人才合作"][4] == "1200"
    assert rows[-1] == ["Total", "279", "16", "21", "15.89", "1200", "11", "14.69"]


def test_without_landed_projects_the_sentence_leaves_them_out():
    lines = tuple(line for line in COOPERATION if not line.landed_projects)
    paragraphs, _tables = paragraphs_and_tables(docx_bytes(sample_content(cooperation=lines)))
    assert (
        "The ledger of 2023 records 245 cooperation items with Beijing, Tianjin and Hebei; in "
        "12/2023, 15 items started and 19 were achieved. By kind:"
    ) in paragraphs


def test_an_empty_ledger_is_said_in_words_without_a_table():
    content = sample_content(cooperation=())
    paragraphs, tables = paragraphs_and_tables(docx_bytes(content))
    assert (
        "No cooperation item with Beijing, Tianjin and Hebei is recorded in the ledger of 2023."
        in paragraphs
    )
    assert len(tables) == 4  # the rankings, the overdue tasks and the problems only
    zeros = tuple(CooperationLine(line.kind, line.label) for line in COOPERATION)
    _paragraphs, tables = paragraphs_and_tables(docx_bytes(sample_content(cooperation=zeros)))
    assert len(tables) == 4


def test_the_annex_has_the_ledger_sheet_in_ten_thousand_yuan():
    lines = (*COOPERATION[:-1], CooperationLine("talent", HOSTILE, 1, people=3))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_annex(sample_content(cooperation=lines))))
    sheet = book["Cooperation"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kind of cooperation", "Code", "Items of the ledger year 2023")
    assert rows[3] == ("创新平台", "platform", 36, 4, 3, 12000.5, 0, 0, 0)
    assert rows[6][-2:] == (11, 146900)
    assert rows[-1][:3] == ("Total", None, 278)
    # A label that looks like a formula stays text.
    hostile = sheet.cell(row=len(rows) - 1, column=1)
    assert hostile.value == HOSTILE and hostile.data_type == "s" and hostile.quotePrefix


def test_the_section_changes_the_bytes_and_stays_reproducible():
    assert docx_bytes(sample_content()) == docx_bytes(sample_content())
    assert xlsx_annex(sample_content()) == xlsx_annex(sample_content())
    fewer = (CooperationLine("platform", "创新平台", 35), *COOPERATION[3:])
    assert docx_bytes(sample_content(cooperation=fewer)) != docx_bytes(sample_content())
    assert xlsx_annex(sample_content(cooperation=fewer)) != xlsx_annex(sample_content())
