"""Photos larger than needed are stored smaller, upright and without their metadata; the
checksum and size recorded are those of the bytes stored; bombs are never decoded."""

import hashlib
import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import evidence_images
from core.evidence import validate_upload
from core.evidence_images import downscale_image

from . import evidence_samples as samples

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def phone_photo(size=(4000, 3000), orientation=None, image_format="JPEG", mode="RGB"):
    """A large photo with a phone's EXIF: its make, its GPS position and maybe a rotation."""
    picture = Image.new(mode, size, (30, 120, 60) if mode == "RGB" else (30, 120, 60, 200))
    # A red block in the top-left corner, to see where the top is after turning.
    picture.paste((255, 0, 0) if mode == "RGB" else (255, 0, 0, 255), (0, 0, 400, 200))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 27.0, 0.0), 3: "E", 4: (116.0, 18.0, 0.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    output = io.BytesIO()
    picture.save(output, image_format, exif=exif.tobytes())
    return output.getvalue()


def stored_image(checked):
    checked.file.seek(0)
    content = checked.file.read()
    return content, Image.open(io.BytesIO(content))


def test_a_large_jpeg_is_stored_with_its_long_edge_at_the_limit_and_no_exif(settings):
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 2048
    original = phone_photo()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    checked = validate_upload(samples.upload("现场.jpg", original))

    content, image = stored_image(checked)
    assert image.format == "JPEG" and image.size == (2048, 1536)
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in content
    assert checked.size == len(content) < len(original)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert (checked.content_type, checked.extension, checked.name) == (
        "image/jpeg",
        ".jpg",
        "现场.jpg",
    )


def test_the_exif_orientation_is_applied_before_the_metadata_is_dropped(settings):
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 1000
    # Orientation 6: the camera was held upright, the pixels are stored lying on their side.
    checked = validate_upload(samples.upload("竖拍.jpg", phone_photo(orientation=6)))

    _content, image = stored_image(checked)
    assert image.size == (750, 1000)  # upright: taller than wide
    assert ORIENTATION not in image.getexif()
    # The red block was top-left of the stored pixels; turned upright it is top-right.
    red, green, _blue = image.convert("RGB").getpixel((740, 10))
    assert red > 200 and green < 60


@pytest.mark.parametrize(
    ("image_format", "mode", "content_type"),
    [("PNG", "RGBA", "image/png"), ("WEBP", "RGB", "image/webp")],
)
def test_png_and_webp_are_resized_in_their_own_format(settings, image_format, mode, content_type):
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 500
    original = phone_photo((1200, 800), image_format=image_format, mode=mode)

    checked = validate_upload(samples.upload(f"photo.{image_format.lower()}", original))

    content, image = stored_image(checked)
    assert image.format == image_format and image.size == (500, 333)
    assert image.mode == mode  # a transparent PNG keeps its transparency
    assert not image.getexif() and b"PhoneMaker" not in content
    assert checked.content_type == content_type
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_an_image_within_the_limit_is_stored_byte_for_byte(settings):
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 2048
    original = phone_photo((2048, 1000))

    checked = validate_upload(samples.upload("small.jpg", original))

    content, _image = stored_image(checked)
    assert content == original  # its EXIF too: nothing is re-encoded without need
    assert checked.sha256 == hashlib.sha256(original).hexdigest()


def test_the_limit_defaults_to_2048_and_zero_turns_resizing_off(settings):
    del settings.TRACKER_EVIDENCE_IMAGE_MAX_PX
    assert evidence_images.max_px() == 2048
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 0
    original = phone_photo((3000, 2000))

    content, image = stored_image(validate_upload(samples.upload("a.jpg", original)))

    assert content == original and image.size == (3000, 2000)


def test_gifs_and_documents_are_never_touched(settings):
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 10
    gif = samples.image("GIF", size=(64, 32), mode="P")
    pdf = samples.pdf()

    assert stored_image(validate_upload(samples.upload("a.gif", gif)))[0] == gif
    checked = validate_upload(samples.upload("a.pdf", pdf))
    checked.file.seek(0)
    assert checked.file.read() == pdf


def test_a_decompression_bomb_is_refused_and_never_decoded(settings, monkeypatch):
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 2048
    # 1,000 x 1,000 px of one colour compresses to almost nothing; with the limit lowered to
    # a tenth of it, it stands for a 50,000 x 50,000 px PNG of a few hundred kilobytes.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    bomb = samples.image("PNG", size=(1000, 1000))
    decoded = []
    monkeypatch.setattr(evidence_images, "encode", lambda *args: decoded.append(args))

    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload("bomb.png", bomb))
    upload = SimpleUploadedFile("bomb.png", bomb)
    started = time.monotonic()
    kept = downscale_image(upload, "image/png")

    assert refused.value.code == "too_many_pixels"
    assert kept is upload and decoded == []
    assert time.monotonic() - started < 1


def test_a_stored_downscaled_photo_has_the_size_and_checksum_of_its_file(settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 800
    checked = validate_upload(samples.upload("现场.jpg", phone_photo()))
    name = default_storage.save("check/upload.jpg", checked.file)

    with default_storage.open(name, "rb") as stored:
        content = stored.read()
    assert len(content) == checked.size
    assert hashlib.sha256(content).hexdigest() == checked.sha256
    assert Image.open(io.BytesIO(content)).size == (800, 600)


def test_a_huge_flat_png_is_stored_as_uploaded_rather_than_decoded_whole(settings):
    """A flat colour compresses to a few hundred kB at 9,440 × 9,440 px; decoding it whole
    to resize it took 1.2 GB. Over MAX_DECODED_PIXELS a PNG is kept as it came."""
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 2048
    side = int(evidence_images.MAX_DECODED_PIXELS**0.5) + 10
    output = io.BytesIO()
    Image.new("RGB", (side, side), (10, 20, 30)).save(output, "PNG")
    original = output.getvalue()

    checked = validate_upload(samples.upload("平面图.png", original))

    content, image = stored_image(checked)
    assert content == original and image.size == (side, side)


def test_a_png_just_within_the_pixel_budget_is_still_resized(settings):
    settings.TRACKER_EVIDENCE_IMAGE_MAX_PX = 2048
    output = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 20, 30)).save(output, "PNG")

    checked = validate_upload(samples.upload("平面图.png", output.getvalue()))

    assert stored_image(checked)[1].size == (2048, 1536)
