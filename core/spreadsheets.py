"""Spreadsheets written so that no cell is ever taken for a formula (CSV/formula injection).

A project name such as ``=HYPERLINK("http://x","y")`` or ``-1+2`` is data typed by a person,
and must reach whoever opens the export as that text, never as something Excel or WPS
evaluates (OWASP "CSV injection"). The two writers differ because their files differ:

- .xlsx: every text is written as a text cell (``t="inlineStr"``) with the quote-prefix
  style, so that Excel shows it as text, keeps it text when the cell is edited, and our own
  import reads back exactly what was written (an export then re-import changes nothing).
- .csv carries no types, so a text that starts like a formula gets a leading ``'`` (the OWASP
  advice). CSV is export-only here, so nothing has to undo the quote.
"""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# What spreadsheet programs read as the start of a formula (or, for tab and carriage
# return, what hides one after a field separator).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A plain number such as "-12.50" (DRF sends decimals as text) is not a formula: quoting it
# would turn a negative amount into text that no spreadsheet can sum.
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")

# Excel holds at most this many characters in a cell.
MAX_CELL_TEXT = 32767
MAX_COLUMN_WIDTH = 60
# Column widths are sized on the first rows only: enough to look right, cheap on big lists.
WIDTH_SAMPLE_ROWS = 500
INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")


def starts_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """The value as a CSV cell: text that would start a formula is quoted with ``'``."""
    if starts_like_formula(value) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(headers, rows):
    """A CSV document (text); a byte-order mark first so that Excel reads Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(header) for header in headers])
    for row in rows:
        writer.writerow([csv_cell("" if value is None else value) for value in row])
    return "\ufeff" + buffer.getvalue()


# What XML 1.0 cannot hold, and so neither an .xlsx nor a .docx: the control characters
# below the space (tab and line breaks aside), U+FFFE, U+FFFF and lone surrogates.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text):
    """``text`` without what an Office file cannot hold: dropping a stray character beats
    failing a whole export or bulletin over one bad name."""
    return XML_ILLEGAL.sub("", text)


def xlsx_cell(sheet, value, bold=False):
    """A cell whose text stays text: openpyxl alone would turn "=..." into a formula."""
    if isinstance(value, str):
        # Excel cannot hold control characters; dropping them beats failing the export.
        text = xml_text(ILLEGAL_CHARACTERS_RE.sub("", value))[:MAX_CELL_TEXT]
        cell = WriteOnlyCell(sheet)
        cell._value = text
        cell.data_type = "s"
        if starts_like_formula(text):
            # Excel's own mark for "typed with a leading apostrophe": the cell stays text
            # even after someone edits it and presses Enter.
            cell.quotePrefix = True
    else:
        try:
            cell = WriteOnlyCell(sheet, value=value)
        except ValueError:
            # A type openpyxl cannot store (a UUID, a list): its text is good enough.
            return xlsx_cell(sheet, str(value), bold)
    if bold:
        cell.font = Font(bold=True)
    return cell


def display_width(value):
    text = "" if value is None else str(value)
    # A Chinese character takes the room of two Latin ones.
    return len(text) + sum(1 for character in text if ord(character) >= 0x2E80)


def column_widths(headers, rows):
    widths = [display_width(header) + 2 for header in headers]
    for row in rows[:WIDTH_SAMPLE_ROWS]:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], display_width(value) + 1)
    return [min(width, MAX_COLUMN_WIDTH) for width in widths]


def write_sheet(book, title, headers, rows):
    """A sheet of bold frozen headers, then the rows, text kept text."""
    rows = [list(row) for row in rows]
    sheet = book.create_sheet(title=INVALID_TITLE.sub("-", title or "")[:31] or None)
    # Width and frozen header must be set before the first row is written (write-only mode).
    for index, width in enumerate(column_widths(headers, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if headers:
        sheet.freeze_panes = "A2"
        sheet.append([xlsx_cell(sheet, header, bold=True) for header in headers])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])


def xlsx_bytes(headers, rows, title=None, more_sheets=()):
    """An .xlsx workbook: one sheet of ``headers`` and ``rows`` (bold frozen headers, text
    kept text), then a sheet for each (title, headers, rows) of ``more_sheets``."""
    book = Workbook(write_only=True)
    write_sheet(book, title or "Sheet1", headers, rows)
    for more_title, more_headers, more_rows in more_sheets:
        write_sheet(book, more_title, more_headers, more_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
