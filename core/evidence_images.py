"""Photos larger than anyone needs are made smaller before they are stored.

A phone sends 12 to 50 megapixel photos (4 to 15 MB each) over a weak connection to an
office that looks at them on a screen. An image upload (JPEG, PNG or WebP) whose long edge
exceeds ``settings.TRACKER_EVIDENCE_IMAGE_MAX_PX`` (default 2048; 0 turns this off) is
turned upright by its EXIF orientation, resized to that long edge and re-encoded in its
own format without its metadata: EXIF (the phone's GPS position, its serial number),
XMP and text chunks are dropped; the colour profile is kept. Smaller images, GIFs
(animations) and every other type are stored exactly as uploaded.

``core.evidence.validate_upload`` calls :func:`downscale_image` after the image was checked
(it decodes, within Pillow's pixel limit), so the checksum and size it records are those
of the bytes stored. See docs/evidence.md.
"""

import io
import logging
import math
import warnings

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

from .evidence_types import IMAGE_FORMATS, JPEG, PNG, WEBP

logger = logging.getLogger(__name__)

DEFAULT_MAX_PX = 2048
JPEG_QUALITY = 85
WEBP_QUALITY = 85
# GIFs are animations more often than photos; a resized GIF would lose its frames.
DOWNSCALED_TYPES = (JPEG.content_type, PNG.content_type, WEBP.content_type)
# A JPEG is decoded at a fraction of its size (draft), whatever its size; a PNG or WebP
# only whole. Decoding a 9,440 × 9,440 PNG of 360 kB (a flat colour compresses well) took
# 1.2 GB and 4 s: a PNG or WebP over this many pixels is stored as uploaded instead (the
# size limit bounds what it costs to keep), so that an upload cannot cost more to resize
# than a phone's photo does. A phone's photos are JPEGs (or HEIC, refused) of 12-50 MP.
MAX_DECODED_PIXELS = 24_000_000


def max_px():
    """The longest edge a stored photo may have (0 or less: photos are never resized)."""
    return int(getattr(settings, "TRACKER_EVIDENCE_IMAGE_MAX_PX", DEFAULT_MAX_PX) or 0)


def downscale_image(uploaded_file, content_type):
    """The upload itself when it needs no resizing, else a new in-memory upload (same name
    and type) holding the smaller image. ``uploaded_file`` has passed the image check."""
    limit = max_px()
    if limit <= 0 or content_type not in DOWNSCALED_TYPES:
        return uploaded_file
    image_format = IMAGE_FORMATS[content_type]
    try:
        content = resized_bytes(uploaded_file, image_format, limit)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # validate_upload refuses such an image before; it is never decoded here either.
        return uploaded_file
    except Exception:
        # The image decoded when it was checked; if it cannot be resized, keep it whole.
        logger.exception("Could not downscale the uploaded image %s", uploaded_file.name)
        return uploaded_file
    finally:
        uploaded_file.seek(0)
    if content is None:
        return uploaded_file
    return SimpleUploadedFile(uploaded_file.name, content, content_type=content_type)


def resized_bytes(fileobj, image_format, limit):
    """The image's bytes resized to ``limit`` on its long edge, or None if it fits."""
    fileobj.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(fileobj, formats=[image_format]) as image:
            if max(image.size) <= limit:
                return None
            if image_format != "JPEG" and image.width * image.height > MAX_DECODED_PIXELS:
                return None
            scale = limit / max(image.size)
            # A JPEG is decoded at the smallest power-of-two scale still above the target.
            image.draft(
                image.mode if image.mode in ("RGB", "L") else "RGB",
                (math.ceil(image.width * scale), math.ceil(image.height * scale)),
            )
            icc_profile = image.info.get("icc_profile")
            if image.mode == "P":
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            # Resized first, turned upright after: one full-size copy, not two.
            image.thumbnail((limit, limit), Image.Resampling.LANCZOS, reducing_gap=3.0)
            upright = ImageOps.exif_transpose(image)
    return encode(upright, image_format, icc_profile)


def encode(image, image_format, icc_profile):
    """The image in ``image_format``, with no metadata but its colour profile."""
    output = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, **options)
    elif image_format == "WEBP":
        image.save(output, "WEBP", quality=WEBP_QUALITY, **options)
    else:
        image.save(output, "PNG", **options)
    return output.getvalue()
