"""Office files that are the same bytes whenever they are built from the same content.

A .docx and an .xlsx are zip files. python-docx and openpyxl stamp the moment of writing
in two places: each zip entry's date, and ``docProps/core.xml`` (``dcterms:created``,
``dcterms:modified``; openpyxl sets both to "now" whatever it is told). ``fixed_zip``
rewrites the archive with every entry dated at the given moment, in a fixed order
(``[Content_Types].xml`` first, as Office expects, then by name), with the same
compression and attributes, and the two properties set to that moment.
"""

import io
import re
import zipfile

CORE_PROPERTIES = "docProps/core.xml"
CONTENT_TYPES = "[Content_Types].xml"
STAMPED = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--


def entry_order(name):
    return (name != CONTENT_TYPES, name)


def fixed_zip(data, moment):
    """``data`` (a zip) rewritten with ``moment`` (a naive datetime, taken as UTC) as its
    entries' dates and its core properties' times."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in sorted(source.namelist(), key=entry_order):
            payload = source.read(name)
            if name == CORE_PROPERTIES:
                payload = STAMPED.sub(rb"\g<1>" + stamp + rb"\g<3>", payload)
            entry = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = FILE_MODE
            target.writestr(entry, payload, compresslevel=6)
    return output.getvalue()
