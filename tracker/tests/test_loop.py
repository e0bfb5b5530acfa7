"""The supervision loop's services: every step allowed and refused, for each role; a
refused step changes nothing."""

import datetime
import importlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from core.evidence import validate_upload
from tracker import loop, services
from tracker.choices import LoopAction, TaskState, TaskStatus
from tracker.models import KeyTask, TaskEvidence

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2023, 6, 20)


@pytest.fixture(autouse=True)
def files_in_tmp(evidence_storage):
    return evidence_storage


def photo(name="现场.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buffer, "JPEG")
    return validate_upload(SimpleUploadedFile(name, buffer.getvalue()))


def assigned(work_point, department, supervisor_user, code="KT-L-1"):
    task = KeyTask(
        code=code,
        year=2023,
        title="对接清单",
        work_point=work_point,
        lead_department=department,
        deadline=datetime.date(2023, 6, 30),
    )
    return services.save_key_task(task, by=supervisor_user)


def snapshot(task):
    task = KeyTask.objects.get(pk=task.pk)
    return (task.state, task.status, task.version, task.transitions.count(), task.updates.count())


@pytest.fixture
def handed_out(work_point, department, supervisor_user):
    return assigned(work_point, department, supervisor_user)


def test_a_supervisor_hands_out_a_task_that_awaits_receipt(handed_out, supervisor_user):
    assert handed_out.state == TaskState.ASSIGNED and handed_out.assigned_at is not None
    step = handed_out.transitions.get()
    assert (step.action, step.from_state, step.to_state, step.by) == (
        LoopAction.ASSIGN,
        "",
        TaskState.ASSIGNED,
        supervisor_user,
    )


def test_a_task_the_department_adds_itself_is_received(work_point, department, official_user):
    task = assigned(work_point, department, official_user, code="KT-SELF")
    assert task.state == TaskState.RECEIVED and task.received_at is not None


def test_the_whole_loop_as_a_user_walks_it(handed_out, official_user, supervisor_user):
    task = loop.receive_task(handed_out, by=official_user)
    assert task.state == TaskState.RECEIVED and task.received_at is not None
    services.record_task_update(
        task=task,
        reported_on=datetime.date(2023, 6, 1),
        status=TaskStatus.IN_PROGRESS,
        progress=60,
        author=official_user,
        today=TODAY,
        files=[photo()],
    )
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    assert TaskEvidence.objects.get().report == task.updates.get()
    request = loop.request_completion(
        task, by=official_user, note="清单已印发", files=[photo("文件.jpg")]
    )
    assert request.evidence.get().name == "文件.jpg"
    returned = loop.return_task(task, by=supervisor_user, note="缺少签字页")
    assert returned.state == TaskState.IN_PROGRESS
    loop.request_completion(task, by=official_user, note="已补签字页")
    closed = loop.close_task(task, by=supervisor_user, today=TODAY)
    assert (closed.state, closed.status, closed.progress, closed.completed_on) == (
        TaskState.CLOSED,
        TaskStatus.DONE,
        100,
        TODAY,
    )
    actions = list(task.transitions.order_by("at", "pk").values_list("action", flat=True))
    assert actions == [
        LoopAction.ASSIGN,
        LoopAction.RECEIVE,
        LoopAction.REPORT,
        LoopAction.REQUEST_COMPLETION,
        LoopAction.RETURN,
        LoopAction.REQUEST_COMPLETION,
        LoopAction.CLOSE,
    ]
    assert task.transitions.filter(action=LoopAction.RETURN).get().note == "缺少签字页"


def test_a_report_on_a_task_awaiting_receipt_also_acknowledges_it(handed_out, official_user):
    services.record_task_update(
        task=handed_out,
        reported_on=datetime.date(2023, 6, 1),
        status=TaskStatus.NOT_STARTED,
        progress=0,
        author=official_user,
        today=TODAY,
    )
    handed_out.refresh_from_db()
    assert handed_out.state == TaskState.RECEIVED and handed_out.received_at is not None


# (step, state the task is put in, who: "official" / "other" / "supervisor", allowed?)
MATRIX = [
    (LoopAction.RECEIVE, TaskState.ASSIGNED, "official", True),
    (LoopAction.RECEIVE, TaskState.ASSIGNED, "other", False),
    (LoopAction.RECEIVE, TaskState.ASSIGNED, "supervisor", True),
    (LoopAction.RECEIVE, TaskState.RECEIVED, "official", False),
    (LoopAction.REQUEST_COMPLETION, TaskState.IN_PROGRESS, "official", True),
    (LoopAction.REQUEST_COMPLETION, TaskState.IN_PROGRESS, "other", False),
    (LoopAction.REQUEST_COMPLETION, TaskState.ASSIGNED, "official", False),
    (LoopAction.REQUEST_COMPLETION, TaskState.COMPLETION_REQUESTED, "official", False),
    (LoopAction.CLOSE, TaskState.COMPLETION_REQUESTED, "supervisor", True),
    (LoopAction.CLOSE, TaskState.COMPLETION_REQUESTED, "official", False),
    (LoopAction.CLOSE, TaskState.IN_PROGRESS, "supervisor", False),
    (LoopAction.RETURN, TaskState.COMPLETION_REQUESTED, "supervisor", True),
    (LoopAction.RETURN, TaskState.COMPLETION_REQUESTED, "official", False),
    (LoopAction.RETURN, TaskState.RECEIVED, "supervisor", False),
    (LoopAction.CANCEL, TaskState.RECEIVED, "supervisor", True),
    (LoopAction.CANCEL, TaskState.RECEIVED, "official", False),
]
SERVICES = {
    LoopAction.RECEIVE: lambda task, by: loop.receive_task(task, by=by),
    LoopAction.REQUEST_COMPLETION: lambda task, by: loop.request_completion(
        task, by=by, note="完成", files=[photo()]
    ),
    LoopAction.CLOSE: lambda task, by: loop.close_task(task, by=by, today=TODAY),
    LoopAction.RETURN: lambda task, by: loop.return_task(task, by=by, note="退回"),
    LoopAction.CANCEL: lambda task, by: loop.cancel_task(task, by=by, note="取消", today=TODAY),
}


@pytest.mark.parametrize(("action", "state", "who", "allowed"), MATRIX)
def test_each_step_is_allowed_only_from_its_states_to_its_role(
    handed_out, official_user, other_official_user, supervisor_user, action, state, who, allowed
):
    users = {"official": official_user, "other": other_official_user, "supervisor": supervisor_user}
    KeyTask.objects.filter(pk=handed_out.pk).update(state=state)
    task = KeyTask.objects.get(pk=handed_out.pk)
    assert loop.may_take(users[who], task, action) is allowed
    assert (action in loop.allowed_actions(users[who], task)) is allowed
    before = snapshot(task)
    if allowed:
        SERVICES[action](task, users[who])
        assert KeyTask.objects.get(pk=task.pk).state == loop.STEPS[action].target
        return
    with pytest.raises((PermissionDenied, ValidationError)):
        SERVICES[action](task, users[who])
    assert snapshot(task) == before
    assert not TaskEvidence.objects.exists()


def test_a_note_is_required_to_return_or_request_completion(handed_out, official_user):
    loop.receive_task(handed_out, by=official_user)
    before = snapshot(handed_out)
    with pytest.raises(ValidationError) as refused:
        loop.request_completion(handed_out, by=official_user, note="  ", files=[photo()])
    assert "note" in refused.value.message_dict
    assert snapshot(handed_out) == before and not TaskEvidence.objects.exists()


@pytest.mark.parametrize("status", [TaskStatus.DONE, TaskStatus.CANCELLED])
def test_officials_report_work_but_do_not_end_a_task(handed_out, official_user, status):
    before = snapshot(handed_out)
    with pytest.raises(ValidationError) as refused:
        services.record_task_update(
            task=handed_out,
            reported_on=datetime.date(2023, 6, 1),
            status=status,
            progress=100,
            author=official_user,
            today=TODAY,
            files=[photo()],
        )
    assert "status" in refused.value.message_dict
    assert snapshot(handed_out) == before and not TaskEvidence.objects.exists()


def test_a_supervisor_reopens_a_closed_task_with_a_report(task, supervisor_user, official_user):
    services.record_task_update(
        task=task,
        reported_on=datetime.date(2023, 6, 1),
        status=TaskStatus.DONE,
        progress=100,
        author=supervisor_user,
        today=TODAY,
    )
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED
    with pytest.raises(ValidationError):
        services.record_task_update(
            task=task,
            reported_on=datetime.date(2023, 6, 2),
            status=TaskStatus.IN_PROGRESS,
            progress=80,
            author=official_user,
            today=TODAY,
        )
    services.record_task_update(
        task=task,
        reported_on=datetime.date(2023, 6, 2),
        status=TaskStatus.IN_PROGRESS,
        progress=80,
        author=supervisor_user,
        today=TODAY,
    )
    task.refresh_from_db()
    assert (task.state, task.completed_on) == (TaskState.IN_PROGRESS, None)


def test_a_refused_file_refuses_the_request_and_stores_nothing(handed_out, official_user, tmp_path):
    loop.receive_task(handed_out, by=official_user)
    before = snapshot(handed_out)
    good = photo()

    def failing_store(*args, **kwargs):
        raise ValidationError("磁盘已满")

    original = loop.store_evidence
    calls = []

    def store_then_fail(model, upload, **kwargs):
        if calls:
            failing_store()
        calls.append(1)
        return original(model, upload, **kwargs)

    loop.store_evidence = store_then_fail
    try:
        with pytest.raises(ValidationError):
            loop.request_completion(handed_out, by=official_user, note="完成", files=[good, good])
    finally:
        loop.store_evidence = original
    assert snapshot(handed_out) == before
    assert not TaskEvidence.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_the_migration_puts_existing_tasks_in_the_state_their_status_means(task, other_task):
    from django.apps import apps

    migration = importlib.import_module("tracker.migrations.0011_supervision_loop")
    KeyTask.objects.filter(pk=other_task.pk).update(status=TaskStatus.IN_PROGRESS, progress=30)
    # Before the loop every row had the column's default.
    with connection.constraint_checks_disabled():
        KeyTask.objects.update(state=TaskState.ASSIGNED)
    migration.states_from_statuses(apps, None)
    states = dict(KeyTask.objects.values_list("code", "state"))
    assert states == {task.code: TaskState.RECEIVED, other_task.code: TaskState.IN_PROGRESS}


def test_an_edit_that_starts_the_work_records_the_step_and_the_receipt(handed_out, official_user):
    handed_out.status = TaskStatus.IN_PROGRESS
    handed_out.progress = 10
    services.save_key_task(handed_out, by=official_user)
    task = KeyTask.objects.get(pk=handed_out.pk)
    assert task.state == TaskState.IN_PROGRESS and task.received_at is not None
    step = task.transitions.order_by("-pk").first()
    assert (step.action, step.from_state, step.by) == (
        LoopAction.REPORT,
        TaskState.ASSIGNED,
        official_user,
    )


def test_a_supervisors_edit_that_ends_a_task_is_a_close_out_step(handed_out, supervisor_user):
    handed_out.status = TaskStatus.DONE
    handed_out.progress = 100
    handed_out.completed_on = TODAY
    services.save_key_task(handed_out, by=supervisor_user)
    task = KeyTask.objects.get(pk=handed_out.pk)
    assert task.state == TaskState.CLOSED
    assert task.transitions.order_by("-pk").first().action == LoopAction.CLOSE


def test_a_note_longer_than_a_paragraph_is_refused(handed_out, official_user):
    before = snapshot(handed_out)
    with pytest.raises(ValidationError) as refused:
        loop.receive_task(handed_out, by=official_user, note="长" * (loop.NOTE_MAX_LENGTH + 1))
    assert "note" in refused.value.message_dict and snapshot(handed_out) == before
