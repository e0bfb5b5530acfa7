"""An upload is judged by its content: what is accepted, what is refused and why."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from PIL import Image

from core.evidence import clean_name, validate_upload
from core.evidence_types import sniff

from . import evidence_samples as samples

ACCEPTED = [
    ("site.pdf", samples.pdf(), "application/pdf", ".pdf"),
    ("photo.png", samples.image("PNG"), "image/png", ".png"),
    ("photo.jpg", samples.image("JPEG"), "image/jpeg", ".jpg"),
    ("anim.gif", samples.image("GIF", mode="P"), "image/gif", ".gif"),
    ("phone.webp", samples.image("WEBP"), "image/webp", ".webp"),
    (
        "contract.docx",
        samples.office("word"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    (
        "ledger.xlsx",
        samples.office("xl"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    (
        "slides.pptx",
        samples.office("ppt"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
    ("minutes.doc", samples.ole2(), "application/msword", ".doc"),
    ("old.XLS", samples.ole2(), "application/vnd.ms-excel", ".xls"),
    ("deck.ppt", samples.ole2(), "application/vnd.ms-powerpoint", ".ppt"),
    ("纪要.wps", samples.ole2(), "application/kswps", ".wps"),
    ("invoice.ofd", samples.zipped("OFD.xml", "Doc_0/Document.xml"), "application/ofd", ".ofd"),
]


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), ACCEPTED)
def test_each_accepted_type_is_recognised_by_its_content(name, content, content_type, extension):
    checked = validate_upload(samples.upload(name, content))

    assert (checked.content_type, checked.extension) == (content_type, extension)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_the_type_comes_from_the_content_whatever_the_name_says():
    checked = validate_upload(samples.upload("scan.pdf", samples.image("JPEG"), "application/pdf"))

    assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")
    assert checked.name == "scan.pdf"


def test_sniff_answers_a_pair_and_leaves_the_file_at_its_start():
    upload = samples.upload("a.docx", samples.office("word"))
    upload.read(5)

    assert sniff(upload)[1] == ".docx"
    assert upload.tell() == 0
    assert sniff(samples.upload("a.bin", b"hello")) is None


REFUSED = [
    ("report.pdf", samples.html()),
    ("drawing.svg", samples.svg()),
    ("drawing.pdf", samples.svg()),
    ("photo.jpg", samples.exe()),
    ("archive.docx", samples.zipped("readme.txt", "word.txt")),
    ("bare.xlsx", samples.zipped("[Content_Types].xml", "docProps/app.xml")),
    ("macro.docx", samples.office("word", "word/vbaProject.bin")),
    ("setup.msi", samples.ole2()),
    ("no-extension", samples.ole2()),
    ("notes.txt", b"plain text notes"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 40),
]


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_anything_else_is_refused_naming_the_file_and_the_accepted_types(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload(name, content))

    message = refused.value.messages[0]
    assert refused.value.code == "file_type"
    assert f"“{name}”" in message
    accepted = message.split("可上传的类型：")[1]
    assert ".pdf, .jpg" in accepted and ".docx" in accepted
    assert ".svg" not in accepted and ".html" not in accepted


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_truncated_image_is_refused(image_format):
    content = samples.image(image_format, size=(300, 200), mode="RGB")
    truncated = content[: len(content) // 2]

    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload("site.img", truncated))

    assert refused.value.code == "damaged_image"
    assert "“site.img”" in refused.value.messages[0]


@pytest.mark.parametrize("limit", [300, 100])
def test_an_image_beyond_pillows_pixel_limit_is_refused(monkeypatch, limit):
    # 32 x 16 = 512 pixels: above 300 Pillow only warns, above 2 x 100 it raises.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)

    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload("huge.png", samples.image("PNG")))

    assert refused.value.code == "too_many_pixels"


@override_settings(TRACKER_EVIDENCE_MAX_BYTES=1024)
def test_a_file_over_the_limit_is_refused_with_the_limit_in_mb():
    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload("big.pdf", samples.pdf() + b"%" * 2048))

    assert refused.value.code == "too_large"
    assert "“big.pdf”" in refused.value.messages[0]
    assert "不能超过 0.00098 MB" in refused.value.messages[0]


def test_the_default_limit_is_said_in_whole_megabytes():
    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload("big.pdf", samples.pdf() + b"%" * (20 * 1024 * 1024)))

    assert "不能超过 20 MB" in refused.value.messages[0]


@override_settings(TRACKER_EVIDENCE_MAX_BYTES=1024)
def test_a_file_at_the_limit_is_accepted():
    content = samples.pdf().ljust(1024, b"%")

    assert validate_upload(samples.upload("exact.pdf", content)).size == 1024


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload("empty.pdf", b""))

    assert refused.value.code == "empty"
    assert "“empty.pdf”" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\王\\Desktop\\现场照片.jpg", "现场照片.jpg"),
        ("line\nbreak\x00.pdf", "linebreak.pdf"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("..", "file"),
        ("", "file"),
        ("长" * 300 + ".docx", "长" * 195 + ".docx"),
    ],
)
def test_the_uploaded_name_is_kept_as_one_clean_line(uploaded, kept):
    assert clean_name(uploaded) == kept
