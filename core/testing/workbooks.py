"""Excel workbooks in tests: read an exported sheet's rows, build one to import."""

import io

import openpyxl


def rows_of(content):
    """The active sheet's rows of an .xlsx, as lists of cell values."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def workbook(rows):
    """An .xlsx (bytes) whose active sheet holds ``rows``."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
