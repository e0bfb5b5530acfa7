"""Fixtures for the phone pages: signed-in clients, a photo, problems, a phone's browser."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def client_for(db):
    def make(user, **headers):
        client = Client(**headers)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def official_client(client_for, official_user):
    return client_for(official_user)


@pytest.fixture
def other_client(client_for, other_official_user):
    return client_for(other_official_user)


@pytest.fixture
def supervisor_client(client_for, supervisor_user):
    return client_for(supervisor_user)


@pytest.fixture
def jpeg():
    def make(name="现场.jpg", size=(60, 40)):
        buffer = io.BytesIO()
        Image.new("RGB", size, "green").save(buffer, "JPEG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    return make


@pytest.fixture
def raised(project, official_user):
    from projects.blockers import raise_blocker
    from projects.choices import BlockerKind

    return raise_blocker(
        by=official_user,
        project=project,
        title="用地尚未交付",
        description="土地征收补偿未完成。",
        kind=BlockerKind.LAND,
    )


@pytest.fixture
def coordinated_by_other(raised, supervisor_user, other_department):
    """A problem of the official's department that the other department coordinates."""
    from projects.blockers import assign_blocker

    return assign_blocker(
        raised,
        by=supervisor_user,
        coordinating_department=other_department,
        deadline=datetime.date.today() + datetime.timedelta(days=10),
    )
