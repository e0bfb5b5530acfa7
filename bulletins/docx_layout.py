"""The layout of an official document (公文, GB/T 9704 in spirit) with python-docx.

A4 with the standard margins (top 37 mm, bottom 35 mm, binding side 28 mm, other side
26 mm: a text block of 156 x 225 mm), the body in 三号 (16 pt) 仿宋_GB2312 at a fixed
line pitch, the title in 二号 (22 pt) 方正小标宋简体, level-1 headings in 黑体 and level-2
in 楷体_GB2312, the issuing office as a red header above a red rule.

Fonts are named, never embedded: Word and WPS on an office PC have them; elsewhere the
reader substitutes. Each style and each run names its Chinese font in ``w:eastAsia`` and
declares its text Chinese (``w:lang w:eastAsia="zh-CN"``), which is what makes LibreOffice
and Word fall back to *an installed CJK font* rather than to a Latin one without the glyphs.
"""

from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from core.spreadsheets import xml_text

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
SMALL_TABLE_SIZE = Pt(9)  # 小五: the wide department table
LINE_PITCH = Pt(28.95)  # 22 lines of 三号 on the 225 mm text block
TEXT_WIDTH_MM = 156
MM_PER_PT = 0.3528

# name: (font, size, bold, alignment, first-line indent in characters)
STYLES = {
    "Bulletin Body": (BODY_FONT, BODY_SIZE, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Bulletin Title": (TITLE_FONT, TITLE_SIZE, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Bulletin Heading 1": (HEADING_FONT, BODY_SIZE, False, WD_ALIGN_PARAGRAPH.LEFT, 2),
    "Bulletin Heading 2": (SUBHEADING_FONT, BODY_SIZE, False, WD_ALIGN_PARAGRAPH.LEFT, 2),
    "Bulletin Table": (BODY_FONT, TABLE_SIZE, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
}


def set_fonts(owner, east_asia, size=None, bold=None, color=None):
    """Name the Chinese font (w:eastAsia) and the Latin one of a run or a style."""
    owner.font.name = LATIN_FONT  # w:ascii and w:hAnsi
    rpr = owner.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    if size is not None:
        owner.font.size = size
    if bold is not None:
        owner.font.bold = bold
    if color is not None:
        owner.font.color.rgb = color


def set_up(document):
    """A4 portrait with the official margins, and the document's styles."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT, size=BODY_SIZE)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    for name, (font, size, bold, alignment, indent) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        set_fonts(style, font, size=size, bold=bold)
        form = style.paragraph_format
        form.alignment = alignment
        form.first_line_indent = Pt(size.pt * indent) if indent else None
        # A heading never ends a page: it stays with what it introduces.
        form.keep_with_next = name.startswith("Bulletin Heading")
        if name == "Bulletin Table":
            form.line_spacing = 1.0
        else:
            form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            form.line_spacing = LINE_PITCH if name != "Bulletin Title" else Pt(36)
    page_numbers(section)


def page_numbers(section):
    """ "— 1 —" centred at the foot of each page (a PAGE field)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(paragraph.add_run("— "), BODY_FONT, size=Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    set_fonts(paragraph.add_run(" —"), BODY_FONT, size=Pt(14))


def add_text(document, text, style="Bulletin Body", **run_format):
    """A paragraph of ``style`` holding ``text`` in one run (fonts named on the run too)."""
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(xml_text(text))
    font, size, _bold, _alignment, _indent = STYLES.get(style, STYLES["Bulletin Body"])
    set_fonts(run, run_format.pop("font", font), size=run_format.pop("size", size), **run_format)
    return paragraph


def bottom_rule(paragraph, color=RED_HEX, eighths_of_point=12):
    """A rule under the paragraph (the red rule under the header is one)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(eighths_of_point)), ("space", "6")):
        bottom.set(qn(f"w:{key}"), value)
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    ppr.append(borders)


def red_header(document, issuer, number):
    """The issuing office in red, as large as fits the text block's width, then the
    document number with the red rule under it."""
    fitting = int(TEXT_WIDTH_MM / max(len(issuer), 1) / MM_PER_PT)
    header = add_text(document, issuer, "Bulletin Title", size=Pt(min(36, fitting)), color=RED)
    header.paragraph_format.space_before = Pt(12)
    header.paragraph_format.line_spacing = Pt(min(36, fitting) * 1.6)
    numbered = add_text(document, number, "Bulletin Body")
    numbered.alignment = WD_ALIGN_PARAGRAPH.CENTER
    numbered.paragraph_format.first_line_indent = None
    numbered.paragraph_format.space_before = Pt(24)
    bottom_rule(numbered)


def repeat_as_header(row):
    """The table's first row repeats at the top of each page it runs onto."""
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def fill_cell(cell, text, size, bold=False):
    paragraph = cell.paragraphs[0]
    paragraph.style = "Bulletin Table"
    run = paragraph.add_run(xml_text(text))
    set_fonts(run, HEADING_FONT if bold else BODY_FONT, size=size)


def add_table(document, headers, rows, size=TABLE_SIZE, widths=None):
    """A grid table: a header row in 黑体 (repeated on each page), then the rows."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, (row, values) in enumerate(zip(table.rows, [headers, *rows], strict=True)):
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            fill_cell(cell, str(value), size, bold=index == 0)
            if widths:
                cell.width = Mm(widths[column])
    repeat_as_header(table.rows[0])
    if widths:
        # The grid's widths (w:gridCol) are what LibreOffice and WPS go by; Word reads the cells'.
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
    return table
