"""The monthly bulletin for December 2023 on the demo: the documents' figures, the tables,
the same bytes on a rebuild, and the document rendered to PDF and PNG pages (kept under
test-artifacts/bulletins/ for a person to look at)."""

import datetime
import io
import shutil
import subprocess

import docx
import openpyxl
import pytest

from bulletins.services import build_bulletin
from config.tests.browser import ARTIFACTS as BROWSER_ARTIFACTS

pytestmark = pytest.mark.django_db

ARTIFACTS = BROWSER_ARTIFACTS.parent / "bulletins"
DECEMBER = datetime.date(2023, 12, 31)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.fixture
def december(demo_once):
    return build_bulletin("month", DECEMBER)


def read(field):
    with field.open("rb") as handle:
        return handle.read()


def paragraphs_and_tables(data):
    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs], document.tables


def test_the_december_bulletin_tells_the_documents_figures(december):
    assert december.number == "德协办通〔2023〕12号"
    paragraphs, tables = paragraphs_and_tables(read(december.document))
    # The documents: 169 projects of over 1亿元 from Beijing/Tianjin/Hebei started in 2023,
    # with 117.77 亿元 in place (the year to date at 31 December). The sentence is the same
    # in either language: its figures are what is checked.
    [jjj] = [text for text in paragraphs if "117.77" in text]
    assert "169" in jjj
    assert paragraphs[0] == "德州市推进京津冀协同发展工作领导小组办公室"
    assert any("2023" in text and "12" in text for text in paragraphs[2:3])
    counties, departments = tables[0], tables[1]
    county_names = {row.cells[2].text for row in counties.rows[1:]}
    assert {"陵城区", "禹城市", "齐河县"} <= county_names
    assert len(departments.rows) > 1

    book = openpyxl.load_workbook(io.BytesIO(read(december.annex)))
    headline = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    # Rows in annex.HEADLINE_FIGURES order; column 5 is the year to date.
    assert headline[4][4] == 169
    assert headline[5][4] == 1177700
    assert book.worksheets[1].max_row == len(counties.rows)


def test_the_december_bulletin_tells_the_cooperation_ledger(december):
    from cooperation.stats import kind_figures

    figures = kind_figures(datetime.date(2023, 12, 1), DECEMBER)
    paragraphs, tables = paragraphs_and_tables(read(december.document))
    # The third table, after the two rankings: a header, a row per kind and the total.
    rows = [[cell.text for cell in row.cells] for row in tables[2].rows]
    assert len(rows) == 1 + len(figures) + 1
    by_kind = {row[0]: row[1:] for row in rows[1:-1]}
    assert [row[0] for row in rows[1:-1]] == [f.label for f in figures]
    for line in figures:
        assert by_kind[line.label][:3] == [str(line.items), str(line.started), str(line.achieved)]
        assert by_kind[line.label][5] == str(line.landed_projects)
    # The documents' figures of 2023 (seed-facts.json, "aggregates").
    items = {line.kind: line.items for line in figures}
    assert (items["platform"], items["achievement"], items["firm_cooperation"]) == (36, 33, 78)
    assert items["key_item"] == 74
    assert rows[-1][1] == str(sum(line.items for line in figures))
    assert any(str(sum(line.items for line in figures)) in text for text in paragraphs)

    book = openpyxl.load_workbook(io.BytesIO(read(december.annex)))
    sheet = book.worksheets[3]  # headline, counties, departments, then the cooperation ledger
    annexed = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]}
    assert annexed["platform"][2] == 36 and annexed["firm_cooperation"][2] == 78


def test_a_rebuild_gives_identical_bytes(december):
    document, annex = read(december.document), read(december.annex)
    again = build_bulletin("month", DECEMBER)
    assert read(again.document) == document and read(again.annex) == annex
    assert again.document_sha256 == december.document_sha256


@pytest.mark.skipif(
    not (SOFFICE and PDFTOPPM),
    reason="LibreOffice (soffice, Debian's libreoffice-writer-nogui) and pdftoppm "
    "(poppler-utils) are needed to render the bulletin; CI installs them (.ci/run)",
)
def test_the_document_renders_to_pdf_and_png_pages(december, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / "bulletin-2023-12.docx"
    source.write_bytes(read(december.document))
    (ARTIFACTS / "bulletin-2023-12-annex.xlsx").write_bytes(read(december.annex))
    for old in ARTIFACTS.glob("bulletin-2023-12-page-*.png"):
        old.unlink()
    # A profile of its own, so that a LibreOffice already running elsewhere does not
    # swallow the conversion.
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    subprocess.run(
        [
            SOFFICE,
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(ARTIFACTS),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = ARTIFACTS / "bulletin-2023-12.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "60", str(pdf), str(ARTIFACTS / "bulletin-2023-12-page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = sorted(ARTIFACTS.glob("bulletin-2023-12-page-*.png"))
    assert len(pages) >= 1
