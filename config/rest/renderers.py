"""Lists as spreadsheets: ``?format=csv`` or ``?format=xlsx`` on any list endpoint."""

import tablib
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework import renderers


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


def dataset(data):
    rows = data if isinstance(data, list) else data.get("results", [data])
    flat_rows = [flatten(row) for row in rows]
    headers = list(dict.fromkeys(key for row in flat_rows for key in row))
    table = tablib.Dataset(headers=headers)
    for row in flat_rows:
        table.append([row.get(header, "") for header in headers])
    return table


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # A byte-order mark so that Excel opens Chinese text correctly.
        return "\ufeff" + dataset(data).export("csv")


class XLSXRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        table = dataset(data)
        # Excel cannot hold control characters; drop them rather than fail.
        clean = tablib.Dataset(headers=table.headers)
        for row in table:
            clean.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
            )
        return clean.export("xlsx")
