"""Tiny but real files of each kind, built in memory for the evidence tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf():
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


def image(image_format, size=(32, 16), mode="RGB", **save_options):
    picture = Image.new(mode, size)
    # Some variation, so that the compressed data is more than a few bytes.
    for x in range(size[0]):
        picture.putpixel((x, x % size[1]), 255 if len(mode) == 1 else (255,) * len(mode))
    output = io.BytesIO()
    picture.save(output, image_format, **save_options)
    return output.getvalue()


def zipped(*names):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return output.getvalue()


def office(folder, *extra):
    main = {"word": "word/document.xml", "xl": "xl/workbook.xml", "ppt": "ppt/presentation.xml"}
    return zipped("[Content_Types].xml", "_rels/.rels", main[folder], *extra)


def ole2():
    return OLE2_SIGNATURE + b"\x00" * 504


def html():
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg():
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def exe():
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 64


def upload(name, content, declared_type="application/octet-stream"):
    # The declared type is the browser's guess from the name; nothing should trust it.
    return SimpleUploadedFile(name, content, content_type=declared_type)
