"""Fixtures for the blocker register: a raised problem and one being coordinated (a
stored evidence file goes to the temporary storage of the root conftest)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.evidence import validate_upload
from projects import blockers as services
from projects.choices import BlockerKind

TODAY = datetime.date(2023, 6, 20)


@pytest.fixture
def photo():
    def make(name="现场.jpg"):
        buffer = io.BytesIO()
        Image.new("RGB", (60, 40), "green").save(buffer, "JPEG")
        return validate_upload(SimpleUploadedFile(name, buffer.getvalue()))

    return make


@pytest.fixture
def raised(project, official_user):
    return services.raise_blocker(
        by=official_user,
        project=project,
        title="用地尚未交付",
        description="土地征收补偿未完成，无法进场施工。",
        kind=BlockerKind.LAND,
    )


@pytest.fixture
def coordinating(raised, supervisor_user, other_department):
    return services.assign_blocker(
        raised,
        by=supervisor_user,
        coordinating_department=other_department,
        deadline=TODAY + datetime.timedelta(days=10),
        today=TODAY,
    )
