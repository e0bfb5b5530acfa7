"""Uploaded Excel ledgers, checked before anything parses them, and read with plain refusals.

An .xlsx file is a zip archive. Before openpyxl opens one we read only the zip's central
directory (its table of contents) and refuse files that are too big, are not an Excel
workbook, or would inflate far beyond their size (a "zip bomb"). That is enough: openpyxl
reads every member through :mod:`zipfile`, which never yields more bytes than the central
directory declares for a member (and fails the CRC check if the data disagrees). Then the
first sheet is read row by row in read-only mode, refusing it as soon as it has more rows than
an import may hold, so that one upload never keeps a web worker busy for long.

Every refusal is a :class:`SpreadsheetRefused` carrying a sentence for the official, in their
language, naming the sheet, row and column where there is one; never a Python exception name.
"""

import io
import logging
import zipfile

import tablib
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from django.utils.translation import gettext as _
from import_export.forms import ImportForm
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

logger = logging.getLogger(__name__)

# The old binary Excel format (.xls) and password-protected .xlsx files are OLE containers.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_PART = "xl/workbook.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"

# An export of 5,000 ledger rows is about 0.4 MB zipped and 6 MB unzipped (ratio 16); Excel's
# and WPS's own files inflate less. Parsing costs about 0.6 s per unzipped MB on a busy 2-core
# server, so the unzipped total is capped per allowed row, with a floor that lets an honest
# ledger far over the row limit reach the row check (which stops reading at the limit) and be
# told to split rather than be taken for a zip bomb.
UNZIPPED_BYTES_PER_ROW = 4 * 1024
UNZIPPED_BYTES_FLOOR = 8 * 1024 * 1024
MAX_RATIO = 100
# Below this unzipped size the ratio says nothing (tiny parts compress oddly).
RATIO_CHECKED_FROM = 1024 * 1024
MAX_MEMBERS = 1000
# Columns read per row; a ledger has about 20. Cells further right are ignored, as the
# import ignores any column it does not know.
MAX_COLUMNS = 100


class SpreadsheetRefused(ValueError):
    """An uploaded file we will not import; ``str()`` is the message for the official."""


def max_bytes():
    return settings.TRACKER_IMPORT_MAX_BYTES


def max_rows():
    return settings.TRACKER_IMPORT_MAX_ROWS


def max_unzipped_bytes():
    return max(UNZIPPED_BYTES_FLOOR, max_rows() * UNZIPPED_BYTES_PER_ROW)


def not_a_workbook():
    return SpreadsheetRefused(
        _(
            "Error reading the file: it is not an Excel workbook (.xlsx). Open it in Excel or "
            "WPS, choose Save As → Excel Workbook (*.xlsx), and upload that file."
        )
    )


def damaged():
    return SpreadsheetRefused(
        _(
            "Error reading the file: the Excel workbook is damaged or incomplete (perhaps the "
            "upload or a copy was cut short). Open it in Excel or WPS, save it again as .xlsx, "
            "and upload it again."
        )
    )


def split_advice():
    return _(
        "Split it into several files (each keeping the header row) and import them one by one."
    )


def check_size(size):
    if size > max_bytes():
        raise SpreadsheetRefused(
            _("The file is %(size)s, more than the %(limit)s an import may hold. %(advice)s")
            % {
                "size": filesizeformat(size),
                "limit": filesizeformat(max_bytes()),
                "advice": split_advice(),
            }
        )


def check_workbook(data):
    """Refuse, from the bytes and the zip's table of contents alone, what is no honest .xlsx."""
    check_size(len(data))
    if data.startswith(OLE_SIGNATURE):
        raise SpreadsheetRefused(
            _(
                "Error reading the file: it is an old-format Excel file (.xls) or a workbook "
                "protected by a password. Open it in Excel or WPS, remove any password, save it "
                "as Excel Workbook (*.xlsx), and upload that file."
            )
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise damaged() from None
    names = {member.filename for member in members}
    if CONTENT_TYPES_PART not in names or WORKBOOK_PART not in names:
        raise not_a_workbook()
    unzipped = sum(member.file_size for member in members)
    zipped = sum(member.compress_size for member in members)
    if len(members) > MAX_MEMBERS or (
        unzipped > RATIO_CHECKED_FROM and unzipped > MAX_RATIO * max(zipped, 1)
    ):
        raise SpreadsheetRefused(
            _(
                "The file would unpack to %(unzipped)s from only %(size)s: it is not an "
                "ordinary ledger and was not opened. Open it in Excel or WPS, check what it "
                "holds, save it again as .xlsx and upload that file; a very large ledger must "
                "be split into several files."
            )
            % {"unzipped": filesizeformat(unzipped), "size": filesizeformat(len(data))}
        )
    if unzipped > max_unzipped_bytes():
        raise SpreadsheetRefused(
            _(
                "The file holds %(unzipped)s of data once unpacked, more than the %(limit)s an "
                "import may hold. %(advice)s"
            )
            % {
                "unzipped": filesizeformat(unzipped),
                "limit": filesizeformat(max_unzipped_bytes()),
                "advice": split_advice(),
            }
        )


def open_first_sheet(data):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # Whatever openpyxl trips on (a missing part, bad XML, a bad zip entry), the file is
        # damaged to the official; the log keeps the detail for us.
        logger.info("Unreadable workbook upload", exc_info=True)
        raise damaged() from None
    sheets = [sheet for sheet in [book.active, *book.worksheets] if hasattr(sheet, "iter_rows")]
    if not sheets:
        raise SpreadsheetRefused(
            _(
                "The workbook has no worksheet to import (only charts). Put the ledger on the "
                "first sheet and upload it again."
            )
        )
    sheet = sheets[0]
    # The declared size ("A1:T5001") is only a hint, and a false one would make openpyxl pad
    # millions of empty rows; read the rows that are really there. The hint still serves to
    # tell how many rows a refused sheet has without reading them all.
    declared_rows = sheet.max_row
    sheet.reset_dimensions()
    return sheet, declared_rows


def too_many_rows(sheet, declared_rows):
    values = {"sheet": sheet.title, "limit": max_rows(), "advice": split_advice()}
    if declared_rows and declared_rows - 1 > max_rows():
        return SpreadsheetRefused(
            _(
                "Sheet “%(sheet)s” has %(rows)s rows of data, more than the %(limit)s an import "
                "may hold. %(advice)s"
            )
            % {**values, "rows": declared_rows - 1}
        )
    return SpreadsheetRefused(
        _(
            "Sheet “%(sheet)s” has more than %(limit)s rows of data, the most an import may "
            "hold. %(advice)s"
        )
        % values
    )


def check_headers(sheet, headers):
    if not any(header not in (None, "") for header in headers):
        raise SpreadsheetRefused(
            _(
                "Sheet “%(sheet)s” is empty or has no headers in row 1. Row 1 must hold the "
                "column headers (export the ledger to see them) and each following row one "
                "record."
            )
            % {"sheet": sheet.title}
        )
    seen = {}
    for index, header in enumerate(headers, start=1):
        name = "" if header is None else str(header).strip()
        if not name:
            continue
        if name in seen:
            raise SpreadsheetRefused(
                _(
                    "Sheet “%(sheet)s”, row 1 (the headers): columns %(first)s and %(second)s "
                    "are both called “%(name)s”. Delete or rename one of them."
                )
                % {
                    "sheet": sheet.title,
                    "first": get_column_letter(seen[name]),
                    "second": get_column_letter(index),
                    "name": name,
                }
            )
        seen[name] = index


def read_ledger(data):
    """The first sheet of an uploaded .xlsx as a dataset: headers, then one row per Excel row.

    Blank rows in the middle are kept, so that the n-th data row is Excel row n + 1 in every
    message; blank rows at the end are dropped.
    """
    check_workbook(data)
    sheet, declared_rows = open_first_sheet(data)
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    excel_row = 0  # the last row read whole; a failure is in the next one
    try:
        headers = list(next(rows, ()))
        excel_row = 1
        while headers and headers[-1] in (None, ""):
            headers.pop()
        check_headers(sheet, headers)
        dataset = tablib.Dataset(headers=headers)
        width = len(headers)
        blank_rows = 0
        for excel_row, row in enumerate(rows, start=2):
            values = row[:width]
            if values.count(None) + values.count("") == len(values):
                blank_rows += 1
                continue
            if excel_row - 1 > max_rows():
                # Stop reading: a big honest ledger is refused at once, not after parsing.
                raise too_many_rows(sheet, declared_rows)
            for _blank in range(blank_rows):
                dataset.append((None,) * width)
            blank_rows = 0
            dataset.append(values + (None,) * (width - len(values)))
    except SpreadsheetRefused:
        raise
    except Exception:
        logger.info("Unreadable row %s in workbook upload", excel_row + 1, exc_info=True)
        raise SpreadsheetRefused(
            _(
                "Sheet “%(sheet)s”, row %(row)s: a cell cannot be read (a damaged value, or a "
                "date or number out of range). Retype the row's cells in Excel or WPS, save, "
                "and upload again."
            )
            % {"sheet": sheet.title, "row": excel_row + 1}
        ) from None
    return dataset


def refusal_message(error):
    """What to tell the official about a file that could not be read."""
    if isinstance(error, SpreadsheetRefused):
        return str(error)
    return str(damaged())


class LedgerImportForm(ImportForm):
    """The import form, refusing a file by its size and shape before anything parses it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["import_file"]
        field.widget.attrs["accept"] = f".xlsx,{XLSX_CONTENT_TYPE}"
        # Said up front, so that nobody uploads a ledger only to be told to split it.
        field.help_text = escape(
            _(
                "An Excel workbook (.xlsx) of at most %(size)s and %(rows)s rows of data; split "
                "a larger ledger into several files."
            )
            % {"size": filesizeformat(max_bytes()), "rows": max_rows()}
        )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size)
            upload.seek(0)
            check_workbook(upload.read())
        except SpreadsheetRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        finally:
            upload.seek(0)
        return upload
