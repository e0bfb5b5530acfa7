"""Serving evidence files so that no file can act as a page of this site.

The caller (a view) has already checked who asks and found the evidence in a queryset of
what they may read; this module trusts the object it gets. A file goes out with the type
read from its content at upload, ``nosniff`` so the browser never guesses another, a
sandboxing Content-Security-Policy in case it is opened anyway, and as an attachment unless
it is a raster image. Thumbnails are made on the fly (docs/evidence.md says why).
"""

import io
import logging
import os
import unicodedata
import warnings
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.http import parse_etags, quote_etag
from PIL import Image, ImageOps

from .evidence_types import IMAGE_FORMATS, extensions_of

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = 240
THUMBNAIL_QUALITY = 80
CACHE_CONTROL = "private, max-age=3600"
# Opened directly, a file is a sandboxed document that may load nothing and run nothing.
SANDBOX_POLICY = "sandbox; default-src 'none'"
ASCII_NAME_CHARACTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._- ")


def serve_evidence(request, evidence, *, thumbnail=False):
    """The evidence file (or, for an image and ``thumbnail=True``, a JPEG of at most 240 px).

    A thumbnail of a file that is not an image is a 404, as is a file missing from storage.
    Answers 304 when the browser already holds this content (the ETag is its SHA-256).
    """
    if thumbnail and not evidence.is_image:
        raise Http404("Only an image has a thumbnail.")
    etag = quote_etag(f"{evidence.sha256}-thumbnail" if thumbnail else evidence.sha256)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = CACHE_CONTROL
        return response
    if thumbnail:
        response = HttpResponse(thumbnail_bytes(evidence), content_type="image/jpeg")
        filename = os.path.splitext(evidence.name)[0] + ".jpg"
    else:
        response = FileResponse(open_stored(evidence), content_type=evidence.content_type)
        filename = download_name(evidence)
    disposition = "inline" if evidence.is_image else "attachment"
    response["Content-Disposition"] = content_disposition(disposition, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    # Another site may not even embed it (an <img> pointing here from elsewhere).
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = etag
    return response


def open_stored(evidence):
    try:
        return evidence.file.storage.open(evidence.file.name, "rb")
    except (FileNotFoundError, OSError) as error:
        logger.error("Evidence file %s is missing from storage: %s", evidence.file.name, error)
        raise Http404("The file is missing.") from error


def download_name(evidence):
    """The uploaded name, with the extension of the type its content really is, so that a
    JPEG uploaded as ``photo.exe`` is saved as ``photo.jpg``."""
    stem, extension = os.path.splitext(evidence.name)
    accepted = extensions_of(evidence.content_type)
    if accepted and extension.lower() not in accepted:
        return (stem or "file") + accepted[0]
    return evidence.name


def content_disposition(disposition, filename):
    """RFC 6266: a plain ASCII ``filename`` for old clients and the real one, UTF-8 encoded,
    as ``filename*`` (every browser since IE9 prefers it)."""
    stem, extension = os.path.splitext(filename)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = "".join(c if c in ASCII_NAME_CHARACTERS else "_" for c in ascii_stem).strip()
    ascii_extension = "".join(c for c in extension if c in ASCII_NAME_CHARACTERS)
    if not any(c.isalnum() for c in ascii_stem):
        ascii_stem = "file"
    return (
        f'{disposition}; filename="{ascii_stem}{ascii_extension}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


def thumbnail_bytes(evidence):
    try:
        with open_stored(evidence) as source:
            return make_thumbnail(source, IMAGE_FORMATS[evidence.content_type])
    except Http404:
        raise
    # Checked at upload, so a failure here is a damaged stored file: nothing to show.
    except Exception as error:
        logger.warning("No thumbnail for evidence file %s: %r", evidence.file.name, error)
        raise Http404("No thumbnail can be made of this file.") from error


def make_thumbnail(fileobj, image_format):
    """JPEG bytes of the image turned upright, fitting in 240 x 240, on white if it has
    transparency. A JPEG is decoded at reduced scale (``draft``), which keeps a 48-megapixel
    photo's thumbnail cheap."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(fileobj, formats=[image_format]) as image:
            image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            upright = ImageOps.exif_transpose(image)
    upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    output = io.BytesIO()
    on_white(upright).save(output, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return output.getvalue()


def on_white(image):
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not transparent:
        return image.convert("RGB")
    image = image.convert("RGBA")
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def thumbnail_html(evidence, url, thumb_url):
    """For the admin: an image's thumbnail linking to the image, or a link to any other file
    with its name and size. The name is the uploader's and is escaped like any text."""
    if evidence.is_image:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'loading="lazy"></a>',
            url,
            thumb_url,
            evidence.name,
        )
    return format_html(
        '<a href="{}">{}</a> ({})', url, evidence.name, filesizeformat(evidence.size)
    )
