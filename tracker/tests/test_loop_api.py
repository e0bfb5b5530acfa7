"""The supervision loop over the API: steps as actions, refusals field by field, files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.evidence import validate_upload
from tracker import loop
from tracker.choices import TaskState
from tracker.models import KeyTask, TaskEvidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files_in_tmp(evidence_storage):
    return evidence_storage


def jpeg(name="现场.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def url(task, step):
    return f"/api/v1/tasks/{task.pk}/{step}/"


@pytest.fixture
def awaiting(task):
    KeyTask.objects.filter(pk=task.pk).update(state=TaskState.ASSIGNED)
    return task


def test_an_official_walks_the_loop_and_a_supervisor_closes_it(
    api_client_for, awaiting, official_user, supervisor_user
):
    official = api_client_for(official_user)
    listed = official.get(f"/api/v1/tasks/{awaiting.pk}/").json()
    assert listed["state"] == "assigned" and listed["allowed_steps"] == ["receive"]
    assert official.post(url(awaiting, "receive"), {}, format="json").json()["state"] == "received"
    response = official.post(
        url(awaiting, "request-completion"),
        {"note": "已完成", "files": [jpeg(), jpeg("合同.jpg")]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "completion_requested"
    assert set(TaskEvidence.objects.values_list("name", flat=True)) == {"现场.jpg", "合同.jpg"}
    supervisor = api_client_for(supervisor_user)
    closed = supervisor.post(url(awaiting, "close"), {"note": "同意销号"}, format="json").json()
    assert (closed["state"], closed["status"], closed["progress"]) == ("closed", "done", 100)
    steps = official.get(url(awaiting, "steps")).json()["results"]
    assert [step["action"] for step in steps][:3] == ["close", "request_completion", "receive"]
    assert len(steps[1]["evidence"]) == 2


def test_another_departments_official_is_refused_and_nothing_changes(
    api_client_for, awaiting, other_official_user
):
    response = api_client_for(other_official_user).post(url(awaiting, "receive"), format="json")
    assert response.status_code == 403
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.ASSIGNED


def test_an_official_may_not_close(api_client_for, awaiting, official_user):
    KeyTask.objects.filter(pk=awaiting.pk).update(state=TaskState.COMPLETION_REQUESTED)
    response = api_client_for(official_user).post(url(awaiting, "close"), format="json")
    assert response.status_code == 403
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.COMPLETION_REQUESTED


def test_a_step_out_of_turn_is_a_400_with_a_message(api_client_for, awaiting, supervisor_user):
    response = api_client_for(supervisor_user).post(
        url(awaiting, "return"), {"note": "x"}, format="json"
    )
    assert response.status_code == 400 and response.json()
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.ASSIGNED


def test_a_disguised_file_is_refused_by_name_and_nothing_is_stored(
    api_client_for, awaiting, official_user, tmp_path
):
    KeyTask.objects.filter(pk=awaiting.pk).update(state=TaskState.IN_PROGRESS)
    fake = SimpleUploadedFile("合同.pdf", b"<html><script>alert(1)</script></html>")
    response = api_client_for(official_user).post(
        url(awaiting, "request-completion"),
        {"note": "完成", "files": [jpeg(), fake]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "合同.pdf" in str(response.json()["files"])
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.IN_PROGRESS
    assert not TaskEvidence.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_a_read_only_token_cannot_take_a_step(api_client_for, awaiting, supervisor_user):
    from rest_framework.test import APIClient

    from tracker.services import create_api_token

    _token, key = create_api_token(name="大屏", user=supervisor_user, scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(url(awaiting, "receive"), format="json").status_code == 403
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.ASSIGNED


def test_evidence_is_served_only_to_logged_in_users(client, awaiting, official_user):
    KeyTask.objects.filter(pk=awaiting.pk).update(state=TaskState.IN_PROGRESS)
    loop.request_completion(
        awaiting, by=official_user, note="完成", files=[validate_upload(jpeg())]
    )
    evidence = TaskEvidence.objects.get()
    anonymous = client.get(f"/files/tasks/{evidence.pk}/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(official_user)
    served = client.get(f"/files/tasks/{evidence.pk}/")
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Type"] == "image/jpeg"
    thumbnail = client.get(f"/files/tasks/{evidence.pk}/thumbnail/")
    assert thumbnail.status_code == 200
    assert client.get(f"/files/tasks/{evidence.pk + 1}/").status_code == 404
