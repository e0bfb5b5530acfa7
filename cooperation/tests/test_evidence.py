"""Cooperation reports carry evidence files: stored with the report, refused with it, shown
on the item's page and served only to those who may read it. The routes are the lines
config/urls.py gets (docs/cooperation.md); this module adds them to the site's until then."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import path, reverse
from PIL import Image

from config.urls import urlpatterns as site_urlpatterns
from cooperation import services
from cooperation.choices import CooperationKind, CooperationState
from cooperation.models import CooperationEvidence, CooperationItem
from cooperation.views import cooperation_evidence, cooperation_evidence_thumbnail
from core.evidence import validate_upload

urlpatterns = [
    path("files/cooperation/<int:pk>/", cooperation_evidence, name="cooperation_evidence"),
    path(
        "files/cooperation/<int:pk>/thumbnail/",
        cooperation_evidence_thumbnail,
        name="cooperation_evidence_thumbnail",
    ),
    *site_urlpatterns,
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
TODAY = datetime.date(2023, 6, 20)


def jpeg(name="揭牌.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "gray").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def item(department):
    return services.save_item(
        CooperationItem(
            code="PT-01",
            title="共建创新平台",
            kind=CooperationKind.PLATFORM,
            year=2023,
            department=department,
        )
    )


def report(item, author, files):
    return services.record_cooperation_update(
        item=item,
        reported_on=datetime.date(2023, 6, 1),
        state=CooperationState.ACHIEVED,
        author=author,
        today=TODAY,
        files=files,
    )


def stored_files(storage):
    return [path for path in storage.rglob("*") if path.is_file()]


def test_a_report_keeps_its_files_and_the_page_links_them(
    client, item, official_user, evidence_storage
):
    saved = report(item, official_user, [validate_upload(jpeg())])
    evidence = CooperationEvidence.objects.get()
    assert (evidence.report, evidence.item, evidence.uploaded_by) == (saved, item, official_user)
    assert stored_files(evidence_storage)
    client.force_login(official_user)
    page = client.get(reverse("admin:cooperation_cooperationitem_change", args=[item.pk]))
    assert reverse("cooperation_evidence", args=[evidence.pk]) in page.content.decode()


def test_a_refused_file_refuses_the_report_and_nothing_stays(item, official_user, evidence_storage):
    good = validate_upload(jpeg())
    with pytest.raises(ValidationError):
        report(item, official_user, [good, SimpleUploadedFile("合同.pdf", b"<script>x</script>")])
    item.refresh_from_db()
    assert item.state == CooperationState.PLANNED and not item.updates.exists()
    assert not CooperationEvidence.objects.exists()
    assert not stored_files(evidence_storage)


def test_the_admin_report_page_takes_files(client, item, official_user):
    client.force_login(official_user)
    url = reverse("admin:cooperation_cooperationitem_report", args=[item.pk])
    response = client.post(
        url,
        {"reported_on": "2023-06-01", "state": "achieved", "note": "已揭牌", "files": [jpeg()]},
    )
    assert response.status_code == 302
    assert CooperationEvidence.objects.get().name == "揭牌.jpg"


def test_files_are_served_to_officials_and_never_to_strangers(
    client, item, official_user, other_official_user, django_user_model
):
    report(item, official_user, [validate_upload(jpeg())])
    evidence = CooperationEvidence.objects.get()
    url = reverse("cooperation_evidence", args=[evidence.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    stranger = django_user_model.objects.create_user("stranger", password="x")
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(other_official_user)  # officials read every department's records
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    thumbnail = client.get(reverse("cooperation_evidence_thumbnail", args=[evidence.pk]))
    assert thumbnail.status_code == 200
