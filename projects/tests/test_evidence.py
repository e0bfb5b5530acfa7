"""Project status reports carry evidence files: stored with the report, refused with it,
shown on the project's page and served only to those who may read the project."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.evidence import validate_upload
from projects.models import ProjectEvidence
from projects.services import record_project_update

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2023, 6, 20)


def jpeg(name="工地.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "gray").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report(project, author, files):
    return record_project_update(
        project=project,
        reported_on=datetime.date(2023, 6, 1),
        stage="negotiating",
        funds_in_place=Decimal("0"),
        author=author,
        today=TODAY,
        files=files,
    )


def test_a_report_keeps_its_files(project, official_user, evidence_storage):
    saved = report(project, official_user, [validate_upload(jpeg())])
    evidence = ProjectEvidence.objects.get()
    assert (evidence.report, evidence.project, evidence.uploaded_by) == (
        saved,
        project,
        official_user,
    )
    assert [path for path in evidence_storage.rglob("*") if path.is_file()]


def test_a_refused_file_refuses_the_report_and_nothing_stays(
    api_client_for, project, official_user, evidence_storage
):
    response = api_client_for(official_user).post(
        f"/api/v1/projects/{project.pk}/updates/",
        {
            "reported_on": "2023-06-01",
            "stage": "negotiating",
            "funds_in_place": "0",
            "files": [jpeg(), SimpleUploadedFile("合同.pdf", b"<script>alert(1)</script>")],
        },
        format="multipart",
    )
    assert response.status_code == 400 and "合同.pdf" in str(response.json()["files"])
    assert not project.updates.exists() and not ProjectEvidence.objects.exists()
    assert not [path for path in evidence_storage.rglob("*") if path.is_file()]


def test_the_api_records_a_report_with_files(api_client_for, project, official_user):
    response = api_client_for(official_user).post(
        f"/api/v1/projects/{project.pk}/updates/",
        {
            "reported_on": "2023-06-01",
            "stage": "negotiating",
            "funds_in_place": "0",
            "files": [jpeg("签约.jpg")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert ProjectEvidence.objects.get().name == "签约.jpg"


def test_another_department_cannot_attach_files(api_client_for, project, other_official_user):
    response = api_client_for(other_official_user).post(
        f"/api/v1/projects/{project.pk}/updates/",
        {
            "reported_on": "2023-06-01",
            "stage": "negotiating",
            "funds_in_place": "0",
            "files": [jpeg()],
        },
        format="multipart",
    )
    assert response.status_code == 403 and not ProjectEvidence.objects.exists()


def test_the_project_page_lists_the_files_and_the_view_serves_them(
    client, project, official_user, other_official_user
):
    report(project, official_user, [validate_upload(jpeg("现场<b>.jpg"))])
    evidence = ProjectEvidence.objects.get()
    url = reverse("project_evidence", args=[evidence.pk])
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(other_official_user)  # officials read every department's projects
    page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content
    assert url in page.decode() and "现场&lt;b&gt;.jpg" in page.decode()
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert client.get(reverse("project_evidence_thumbnail", args=[evidence.pk])).status_code == 200
