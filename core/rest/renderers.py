"""Lists as spreadsheets: ``?format=csv`` or ``?format=xlsx`` on any list endpoint.

Cells are written by :mod:`core.spreadsheets`, so that a name typed as ``=HYPERLINK(...)``
reaches a spreadsheet as text, never as a formula.
"""

from rest_framework import renderers

from core.spreadsheets import csv_text, xlsx_bytes


def flatten(row, prefix=""):
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "、".join(
                str(item.get("name", item)) if isinstance(item, dict) else str(item)
                for item in value
            )
        else:
            flat[name] = "" if value is None else value
    return flat


def table(data):
    """Headers and rows of a list (or a page of one, or a single object)."""
    rows = data if isinstance(data, list) else data.get("results", [data])
    flat_rows = [flatten(row) for row in rows]
    headers = list(dict.fromkeys(key for row in flat_rows for key in row))
    return headers, [[row.get(header, "") for header in headers] for row in flat_rows]


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Text that would start a formula gets a leading ' (the OWASP advice for CSV).
        return csv_text(*table(data))


class XLSXRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Text is written as text cells, control characters Excel cannot hold dropped.
        return xlsx_bytes(*table(data))
