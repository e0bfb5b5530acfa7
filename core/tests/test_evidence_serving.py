"""Serving: the headers that keep a file from acting as a page, thumbnails, the admin link."""

import io
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.test import RequestFactory
from PIL import Image

from core.evidence import serve_evidence, thumbnail_html, validate_upload
from core.evidence_types import is_image_type

from . import evidence_samples as samples


@pytest.fixture(autouse=True)
def storage_dir(db, evidence_storage):
    # db: closing a response signals request_finished, which checks the connection.
    return evidence_storage


@dataclass
class Evidence:
    """What serve_evidence reads of a stored EvidenceFile row."""

    file: object
    name: str
    content_type: str
    size: int
    sha256: str

    @property
    def is_image(self):
        return is_image_type(self.content_type)


def stored(name, content):
    checked = validate_upload(samples.upload(name, content))
    disk_name = default_storage.save(f"evidence/2025/06/x{checked.extension}", checked.file)
    file = SimpleNamespace(storage=default_storage, name=disk_name)
    return Evidence(file, checked.name, checked.content_type, checked.size, checked.sha256)


def get(**headers):
    return RequestFactory().get("/evidence/1/", headers=headers)


def body(response):
    content = b"".join(response) if response.streaming else response.content
    response.close()
    return content


def test_a_document_is_an_attachment_of_its_sniffed_type_in_a_sandbox():
    content = samples.pdf()
    evidence = stored("签约<b>合同.pdf", content)

    response = serve_evidence(get(), evidence)

    assert body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"_b_.pdf\"; filename*=UTF-8''" + quote("签约<b>合同.pdf")
    )


def test_an_image_is_shown_inline():
    evidence = stored("现场照片.jpg", samples.image("JPEG"))

    response = serve_evidence(get(), evidence)

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith('inline; filename="file.jpg"; ')
    assert response["X-Content-Type-Options"] == "nosniff"
    body(response)


def test_a_download_carries_the_extension_of_what_the_file_really_is():
    evidence = stored("photo.exe.pdf", samples.image("PNG"))

    response = serve_evidence(get(), evidence)

    assert response["Content-Disposition"].endswith("filename*=UTF-8''photo.exe.png")
    body(response)


def test_the_browser_copy_is_reused_while_the_content_is_the_same():
    evidence = stored("a.pdf", samples.pdf())
    etag = serve_evidence(get(), evidence)["ETag"]

    response = serve_evidence(get(if_none_match=etag), evidence)

    assert response.status_code == 304 and response["ETag"] == f'"{evidence.sha256}"'


def test_a_thumbnail_is_a_jpeg_of_at_most_240_pixels():
    evidence = stored("wide.png", samples.image("PNG", size=(1000, 500)))

    response = serve_evidence(get(), evidence, thumbnail=True)

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(body(response))) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert thumbnail.size == (240, 120)


def test_a_thumbnail_turns_a_phone_photo_upright_and_flattens_transparency():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held turned: display rotated 90 degrees
    photo = stored("phone.jpg", samples.image("JPEG", size=(400, 300), exif=exif))
    logo = stored("logo.png", samples.image("PNG", size=(50, 50), mode="RGBA"))

    with Image.open(io.BytesIO(body(serve_evidence(get(), photo, thumbnail=True)))) as upright:
        assert upright.size == (180, 240)
    with Image.open(io.BytesIO(body(serve_evidence(get(), logo, thumbnail=True)))) as flat:
        assert flat.mode == "RGB" and flat.size == (50, 50)
        assert flat.getpixel((1, 0))[0] > 240  # transparent became white, not black


def test_a_document_has_no_thumbnail():
    with pytest.raises(Http404):
        serve_evidence(get(), stored("a.pdf", samples.pdf()), thumbnail=True)


def test_a_file_missing_from_storage_is_not_found():
    evidence = stored("a.pdf", samples.pdf())
    default_storage.delete(evidence.file.name)

    with pytest.raises(Http404):
        serve_evidence(get(), evidence)


def test_the_admin_link_escapes_the_uploaded_name():
    document = stored('<script>alert("x")<!--.pdf', samples.pdf())
    photo = stored('"><img src=x onerror=alert(1)>.png', samples.image("PNG"))

    link = thumbnail_html(document, "/e/1/", "/e/1/thumb/")
    image = thumbnail_html(photo, "/e/2/", "/e/2/thumb/?a=1&b=2")

    assert "<script>" not in link and "&lt;script&gt;alert(&quot;x&quot;)" in link
    assert link.startswith('<a href="/e/1/">')
    assert link.endswith(f"({filesizeformat(document.size)})")
    assert "<img src=x" not in image and 'alt="&quot;&gt;&lt;img src=x' in image
    assert 'src="/e/2/thumb/?a=1&amp;b=2"' in image
