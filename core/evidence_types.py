"""What an evidence file is, read from its content, never from its name.

A name is whatever the uploader typed: ``合同.pdf`` may hold an HTML page that would run its
script in our origin if a browser were ever allowed to guess. So the type comes from the
file's first bytes (and, for the zip and OLE containers, from their table of contents), and
only a short list of document and raster image formats is accepted. SVG and HTML never are:
both can carry script. Images must also decode with Pillow, within its pixel limit.

See docs/evidence.md for the list and the reasons behind each entry.
"""

import os
import warnings
import zipfile
from typing import NamedTuple

from PIL import Image


class Sniffed(NamedTuple):
    content_type: str
    extension: str


PDF = Sniffed("application/pdf", ".pdf")
JPEG = Sniffed("image/jpeg", ".jpg")
PNG = Sniffed("image/png", ".png")
GIF = Sniffed("image/gif", ".gif")
WEBP = Sniffed("image/webp", ".webp")
DOCX = Sniffed("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = Sniffed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = Sniffed("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
DOC = Sniffed("application/msword", ".doc")
XLS = Sniffed("application/vnd.ms-excel", ".xls")
PPT = Sniffed("application/vnd.ms-powerpoint", ".ppt")
# Kingsoft WPS's own binary formats (still common in government offices); OLE2 like .doc.
WPS = Sniffed("application/kswps", ".wps")
ET = Sniffed("application/kset", ".et")
DPS = Sniffed("application/ksdps", ".dps")
# GB/T 33190, the national fixed-layout format of e-invoices and official documents: a zip.
OFD = Sniffed("application/ofd", ".ofd")

ACCEPTED = (PDF, JPEG, PNG, GIF, WEBP, DOCX, XLSX, PPTX, DOC, XLS, PPT, WPS, ET, DPS, OFD)
# Pillow's name for each image type; an image must open as exactly that format.
IMAGE_FORMATS = {JPEG.content_type: "JPEG", PNG.content_type: "PNG", GIF.content_type: "GIF"}
IMAGE_FORMATS[WEBP.content_type] = "WEBP"
# Other spellings of a type's extension, so that a download keeps the name as uploaded.
OTHER_EXTENSIONS = {JPEG.content_type: (".jpeg", ".jpe", ".jfif")}

PDF_SIGNATURE = b"%PDF-"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
GIF_SIGNATURES = (b"GIF87a", b"GIF89a")
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 16

# An OLE2 container says nothing in its header about what it holds (Word, Excel, but also
# .msi installers and Outlook messages), so the uploaded name decides among the Office and
# WPS formats, and any other name is refused. Password-protected .docx/.xlsx/.pptx files
# are OLE2 containers too, so those names are taken at their word as well.
OLE2_BY_EXTENSION = {kind.extension: kind for kind in (DOC, XLS, PPT, WPS, ET, DPS)}
OLE2_BY_EXTENSION.update({kind.extension: kind for kind in (DOCX, XLSX, PPTX)})

# An Office file's parts live under one folder named after the application.
OOXML_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
OOXML_CONTENT_TYPES = "[Content_Types].xml"
OFD_ROOT = "OFD.xml"
# A macro project: .docm/.xlsm/.pptm renamed, refused (a macro is a program).
MACRO_PART = "vbaproject.bin"
# Real documents have a few hundred parts; a zip listing more is not one we want to read.
MAX_ZIP_MEMBERS = 10_000


def is_image_type(content_type):
    return content_type in IMAGE_FORMATS


def extensions_of(content_type):
    """Every extension a file of this type may carry (the first is ours)."""
    for kind in ACCEPTED:
        if kind.content_type == content_type:
            return (kind.extension, *OTHER_EXTENSIONS.get(content_type, ()))
    return ()


def accepted_extensions():
    """The accepted extensions, for messages and a file input's ``accept`` attribute."""
    seen = []
    for kind in ACCEPTED:
        for extension in extensions_of(kind.content_type):
            if extension not in seen:
                seen.append(extension)
    return seen


def sniff(fileobj, name=""):
    """``(content_type, extension)`` of an accepted file, read from its bytes; else None.

    ``name`` (the uploaded name) matters only for OLE2 containers, whose header does not
    say which Office format they hold. The file is left at position 0.
    """
    try:
        fileobj.seek(0)
        head = fileobj.read(HEAD_BYTES)
        return _sniff_head(fileobj, head, name)
    finally:
        fileobj.seek(0)


def _sniff_head(fileobj, head, name):
    if head.startswith(PDF_SIGNATURE):
        return PDF
    if head.startswith(PNG_SIGNATURE):
        return PNG
    if head.startswith(JPEG_SIGNATURE):
        return JPEG
    if head[:6] in GIF_SIGNATURES:
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(ZIP_SIGNATURE):
        return _sniff_zip(fileobj)
    if head.startswith(OLE2_SIGNATURE):
        return OLE2_BY_EXTENSION.get(os.path.splitext(name)[1].lower())
    return None


def _sniff_zip(fileobj):
    """An Office (OOXML) or OFD document, judged by the zip's central directory only.

    Nothing is inflated, so a zip bomb costs no more than its table of contents.
    """
    try:
        with zipfile.ZipFile(fileobj) as archive:  # closing it leaves fileobj open
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    if len(names) > MAX_ZIP_MEMBERS:
        return None
    if any(name.lower().endswith(MACRO_PART) for name in names):
        return None
    if OOXML_CONTENT_TYPES in names:
        for folder, kind in OOXML_FOLDERS:
            if any(name.startswith(folder) for name in names):
                return kind
    if OFD_ROOT in names:
        return OFD
    return None


class ImageProblem:
    DAMAGED = "damaged"
    TOO_MANY_PIXELS = "too_many_pixels"


def image_problem(fileobj, content_type):
    """None if the image decodes as the type its bytes claim; else an ImageProblem.

    ``verify()`` checks every chunk of a PNG against its checksum, but reads next to
    nothing of the other formats, so those are decoded as well: a JPEG at 1/8 scale (cheap),
    the first frame of a GIF or WebP (small in practice; the thumbnail decodes it anyway).
    Pillow's decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``) is a refusal, its
    warning too.
    """
    image_format = IMAGE_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _decode(fileobj, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return ImageProblem.TOO_MANY_PIXELS
    # Damaged data makes Pillow raise almost anything (SyntaxError, OSError, ValueError,
    # struct.error, IndexError...); each means the same here: not an image we can show.
    except Exception:
        return ImageProblem.DAMAGED
    finally:
        fileobj.seek(0)
    return None


def _decode(fileobj, image_format):
    fileobj.seek(0)
    with Image.open(fileobj, formats=[image_format]) as image:
        image.verify()
    if image_format != "PNG":
        fileobj.seek(0)
        with Image.open(fileobj, formats=[image_format]) as image:
            image.draft("RGB", (image.width // 8 or 1, image.height // 8 or 1))
            image.load()
