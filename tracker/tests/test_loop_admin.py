"""The supervision loop in the admin, as officials and supervisors use it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tracker.choices import TaskState, TaskStatus
from tracker.models import KeyTask, TaskEvidence

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:tracker_keytask_changelist")


@pytest.fixture(autouse=True)
def files_in_tmp(evidence_storage):
    return evidence_storage


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def step(task, action):
    return reverse("admin:tracker_keytask_loop", args=[task.pk, action])


@pytest.fixture
def awaiting(task):
    KeyTask.objects.filter(pk=task.pk).update(state=TaskState.ASSIGNED, deadline="2030-06-28")
    return KeyTask.objects.get(pk=task.pk)


def test_the_task_page_offers_the_official_only_their_steps(client, awaiting, official_user):
    client.force_login(official_user)
    page = client.get(reverse("admin:tracker_keytask_change", args=[awaiting.pk])).content.decode()
    assert step(awaiting, "receive") in page
    assert step(awaiting, "close") not in page
    assert "待签收" in page


def test_an_official_requests_completion_with_files_from_the_admin(client, awaiting, official_user):
    KeyTask.objects.filter(pk=awaiting.pk).update(
        state=TaskState.IN_PROGRESS, status=TaskStatus.IN_PROGRESS
    )
    client.force_login(official_user)
    form = client.get(step(awaiting, "request_completion"))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(
        step(awaiting, "request_completion"),
        {"note": "清单已印发", "files": [png("现场<b>.png"), png("会议纪要.png")]},
    )
    assert response.status_code == 302
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.COMPLETION_REQUESTED
    assert TaskEvidence.objects.count() == 2
    page = client.get(reverse("admin:tracker_keytask_change", args=[awaiting.pk])).content.decode()
    assert "现场&lt;b&gt;.png" in page and "现场<b>.png" not in page


def test_a_request_without_a_note_is_refused_with_a_message(client, awaiting, official_user):
    KeyTask.objects.filter(pk=awaiting.pk).update(state=TaskState.RECEIVED)
    client.force_login(official_user)
    response = client.post(step(awaiting, "request_completion"), {"note": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.RECEIVED


def test_a_refused_file_is_named_and_nothing_changes(client, awaiting, official_user):
    KeyTask.objects.filter(pk=awaiting.pk).update(state=TaskState.RECEIVED)
    client.force_login(official_user)
    response = client.post(
        step(awaiting, "request_completion"),
        {"note": "完成", "files": [SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert response.status_code == 200 and "报告.pdf" in response.content.decode()
    assert KeyTask.objects.get(pk=awaiting.pk).state == TaskState.RECEIVED
    assert not TaskEvidence.objects.exists()


def test_the_list_shows_state_rung_and_next_report_and_filters_missing_reports(
    client, awaiting, other_task, supervisor_user, django_assert_max_num_queries
):
    KeyTask.objects.filter(pk=other_task.pk).update(
        state=TaskState.IN_PROGRESS,
        status=TaskStatus.IN_PROGRESS,
        deadline=datetime.date.today() - datetime.timedelta(days=30),
    )
    client.force_login(supervisor_user)
    with django_assert_max_num_queries(25):
        page = client.get(CHANGELIST).content.decode()
    assert "loop-state" in page and "逾期报告领导小组办公室和分管市领导" in page
    missing = client.get(CHANGELIST, {"reporting": "missing"}).content.decode()
    assert other_task.code in missing
    by_state = client.get(CHANGELIST, {"state__exact": "assigned"}).content.decode()
    assert awaiting.code in by_state and other_task.code not in by_state


def test_officials_cannot_edit_the_ladder_or_city_leaders(client, official_user, supervisor_user):
    client.force_login(official_user)
    assert client.get(reverse("admin:tracker_escalationrung_add")).status_code == 403
    client.force_login(supervisor_user)
    ladder = client.get(reverse("admin:tracker_escalationrung_changelist")).content.decode()
    assert "提前提醒经办人" in ladder


def test_a_step_taken_twice_says_so_instead_of_failing(
    client, awaiting, official_user, monkeypatch
):
    from django.contrib import admin as django_admin

    from tracker import loop

    # The second click of a double click: the page read the task before the first click's
    # step was saved, so only the service's check on the locked row refuses it.
    stale = KeyTask.objects.get(pk=awaiting.pk)
    loop.receive_task(awaiting, by=official_user)
    task_admin = django_admin.site._registry[KeyTask]
    monkeypatch.setattr(task_admin, "get_object", lambda request, object_id: stale)
    client.force_login(official_user)
    again = client.post(step(awaiting, "receive"), {"note": ""})
    assert again.status_code == 200 and "errornote" in again.content.decode()
    assert KeyTask.objects.get(pk=awaiting.pk).transitions.filter(action="receive").count() == 1
