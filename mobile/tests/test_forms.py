"""Each phone form: a success (POST-redirect-GET with a message), a refusal that changes
nothing with the service's errors under their fields, another department refused."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from projects.choices import BlockerAction, BlockerState
from projects.models import Blocker, BlockerEvidence, BlockerStep, ProjectEvidence, ProjectUpdate
from tracker import loop
from tracker.choices import LoopAction, TaskState
from tracker.models import KeyTask, TaskEvidence, TaskTransition, TaskUpdate

pytestmark = pytest.mark.django_db


def snapshot(task):
    task = KeyTask.objects.get(pk=task.pk)
    return (
        task.state,
        task.status,
        task.progress,
        task.version,
        TaskUpdate.objects.count(),
        TaskTransition.objects.count(),
        TaskEvidence.objects.count(),
    )


def stored_files(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def errors(response):
    return response.context["form"].errors


def success_messages(response):
    return [str(m) for m in response.context["messages"]]


# Key tasks: progress


def test_an_official_records_progress_with_a_photo(official_client, task, jpeg, official_user):
    response = official_client.post(
        f"/m/tasks/{task.pk}/",
        {"status": "in_progress", "progress": "40", "note": "完成选址", "files": [jpeg()]},
    )

    assert response.status_code == 302 and response["Location"] == "/m/"
    report = TaskUpdate.objects.get(task=task)
    assert (report.status, report.progress, report.note) == ("in_progress", 40, "完成选址")
    assert report.author == official_user and report.reported_on is not None
    assert TaskEvidence.objects.get(report=report).name == "现场.jpg"
    task.refresh_from_db()
    assert (task.state, task.progress) == (TaskState.IN_PROGRESS, 40)
    assert len(success_messages(official_client.get("/m/"))) == 1


def test_a_refused_progress_report_changes_nothing(official_client, task, jpeg, evidence_storage):
    before = snapshot(task)

    response = official_client.post(
        f"/m/tasks/{task.pk}/", {"status": "in_progress", "progress": "150", "files": [jpeg()]}
    )

    assert response.status_code == 200 and "progress" in errors(response)
    assert snapshot(task) == before and stored_files(evidence_storage) == []


def test_an_official_cannot_choose_done_the_office_closes_tasks(official_client, task):
    before = snapshot(task)

    response = official_client.post(f"/m/tasks/{task.pk}/", {"status": "done", "progress": "100"})

    assert "status" in errors(response) and snapshot(task) == before


def test_the_services_refusal_comes_back_under_its_field(
    official_client, task, supervisor_user, jpeg, evidence_storage
):
    loop.cancel_task(task, by=supervisor_user, note="撤销")
    before = snapshot(task)

    response = official_client.post(
        f"/m/tasks/{task.pk}/", {"status": "in_progress", "progress": "10", "files": [jpeg()]}
    )

    assert response.status_code == 200 and list(errors(response)) == ["status"]
    assert snapshot(task) == before and stored_files(evidence_storage) == []


def test_a_file_that_is_not_an_image_is_refused_by_name(official_client, task):
    before = snapshot(task)
    fake = SimpleUploadedFile("照片.jpg", b"<html><script>alert(1)</script></html>")

    response = official_client.post(
        f"/m/tasks/{task.pk}/", {"status": "in_progress", "progress": "10", "files": [fake]}
    )

    assert "照片.jpg" in str(errors(response)["files"]) and snapshot(task) == before


def test_another_departments_task_is_not_found(other_client, task):
    before = snapshot(task)

    assert other_client.get(f"/m/tasks/{task.pk}/").status_code == 404
    response = other_client.post(f"/m/tasks/{task.pk}/", {"status": "in_progress", "progress": 5})

    assert response.status_code == 404 and snapshot(task) == before
    for step in ("receive", "complete"):
        assert other_client.post(f"/m/tasks/{task.pk}/{step}/", {"note": "x"}).status_code == 404
    assert snapshot(task) == before


def test_an_id_beyond_any_row_is_not_found(official_client):
    assert official_client.get(f"/m/tasks/{2**70}/").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(official_user, task):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official_user)
    before = snapshot(task)

    response = client.post(f"/m/tasks/{task.pk}/", {"status": "in_progress", "progress": "9"})

    assert response.status_code == 403 and snapshot(task) == before


def test_markup_in_a_title_is_shown_as_text(official_client, task):
    KeyTask.objects.filter(pk=task.pk).update(title='<img src=x onerror="alert(1)">')

    page = official_client.get(f"/m/tasks/{task.pk}/").content.decode()

    assert "<img src=x" not in page and "&lt;img src=x" in page


# Key tasks: the loop's steps


def test_an_official_acknowledges_a_task(official_client, task, official_user):
    response = official_client.post(f"/m/tasks/{task.pk}/receive/", {"note": "收到"})

    assert response.status_code == 302 and response["Location"] == "/m/"
    task.refresh_from_db()
    assert task.state == TaskState.RECEIVED and task.received_at is not None
    step = TaskTransition.objects.get(task=task, action=LoopAction.RECEIVE)
    assert (step.by, step.note) == (official_user, "收到")


def test_acknowledging_twice_is_refused_and_changes_nothing(official_client, task, official_user):
    loop.receive_task(task, by=official_user)
    before = snapshot(task)

    page = official_client.get(f"/m/tasks/{task.pk}/receive/")
    response = official_client.post(f"/m/tasks/{task.pk}/receive/", {"note": ""})

    assert page.context["possible"] is False
    assert response.status_code == 200 and errors(response).get("__all__")
    assert snapshot(task) == before


def test_an_official_requests_completion_with_a_note_and_a_photo(
    official_client, task, official_user, jpeg
):
    loop.receive_task(task, by=official_user)

    response = official_client.post(
        f"/m/tasks/{task.pk}/complete/", {"note": "已全部完成", "files": [jpeg("验收.jpg")]}
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETION_REQUESTED
    step = TaskTransition.objects.get(task=task, action=LoopAction.REQUEST_COMPLETION)
    assert TaskEvidence.objects.get(transition=step).name == "验收.jpg"


def test_a_completion_request_needs_a_note(official_client, task, official_user, jpeg):
    loop.receive_task(task, by=official_user)
    before = snapshot(task)

    response = official_client.post(f"/m/tasks/{task.pk}/complete/", {"files": [jpeg()]})

    assert "note" in errors(response) and snapshot(task) == before


def test_a_step_the_user_may_not_take_is_forbidden(official_client, task, monkeypatch):
    monkeypatch.setattr(loop, "may_take", lambda user, task, action: False)
    before = snapshot(task)

    response = official_client.post(f"/m/tasks/{task.pk}/receive/", {"note": ""})

    assert response.status_code == 403 and snapshot(task) == before


# Projects


def project_snapshot(project):
    project.refresh_from_db()
    return (
        project.stage,
        project.funds_in_place,
        project.version,
        ProjectUpdate.objects.count(),
        ProjectEvidence.objects.count(),
    )


def test_an_official_records_a_projects_progress(official_client, project, jpeg):
    response = official_client.post(
        f"/m/projects/{project.pk}/",
        {"stage": "negotiating", "funds_in_place": "1200.50", "note": "洽谈", "files": [jpeg()]},
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.funds_in_place) == ("negotiating", Decimal("1200.50"))
    assert ProjectEvidence.objects.filter(project=project).count() == 1


def test_funds_above_the_total_are_refused_under_their_field(
    official_client, project, jpeg, evidence_storage
):
    before = project_snapshot(project)

    response = official_client.post(
        f"/m/projects/{project.pk}/",
        {"stage": "negotiating", "funds_in_place": "99999", "files": [jpeg()]},
    )

    assert list(errors(response)) == ["funds_in_place"]
    assert project_snapshot(project) == before and stored_files(evidence_storage) == []


def test_another_departments_project_is_not_found(other_client, project):
    before = project_snapshot(project)

    response = other_client.post(
        f"/m/projects/{project.pk}/", {"stage": "negotiating", "funds_in_place": "1"}
    )
    raised = other_client.post(
        f"/m/projects/{project.pk}/problem/",
        {"title": "x", "kind": "land", "description": "y"},
    )

    assert response.status_code == 404 and raised.status_code == 404
    assert project_snapshot(project) == before and not Blocker.objects.exists()


# Problems


def test_an_official_raises_a_problem_on_a_project(official_client, project, jpeg, official_user):
    response = official_client.post(
        f"/m/projects/{project.pk}/problem/",
        {"title": "电力接入", "kind": "energy", "description": "需要扩容", "files": [jpeg()]},
    )

    blocker = Blocker.objects.get()
    assert response["Location"] == f"/m/problems/{blocker.pk}/"
    assert (blocker.project, blocker.raised_by, blocker.state) == (
        project,
        official_user,
        BlockerState.OPEN,
    )
    assert BlockerEvidence.objects.filter(blocker=blocker).count() == 1


def test_a_problem_needs_a_description(official_client, project):
    response = official_client.post(
        f"/m/projects/{project.pk}/problem/", {"title": "电力", "kind": "energy"}
    )

    assert "description" in errors(response) and not Blocker.objects.exists()


def test_the_coordinating_department_adds_a_note_with_a_photo(
    client_for, other_official_user, coordinated_by_other, jpeg
):
    client = client_for(other_official_user)

    response = client.post(
        f"/m/problems/{coordinated_by_other.pk}/", {"note": "已召开协调会", "files": [jpeg()]}
    )

    assert response["Location"] == f"/m/problems/{coordinated_by_other.pk}/"
    step = BlockerStep.objects.get(blocker=coordinated_by_other, action=BlockerAction.NOTE)
    assert step.by == other_official_user and step.evidence.count() == 1


def test_a_department_not_involved_cannot_open_the_problem(other_client, raised):
    steps = BlockerStep.objects.count()

    assert other_client.get(f"/m/problems/{raised.pk}/").status_code == 404
    assert other_client.post(f"/m/problems/{raised.pk}/", {"note": "x"}).status_code == 404
    assert BlockerStep.objects.count() == steps


def test_a_note_on_a_solved_problem_is_refused(
    official_client, coordinated_by_other, supervisor_user, jpeg, evidence_storage
):
    from projects.blockers import solve_blocker

    solve_blocker(coordinated_by_other, by=supervisor_user, resolution="已解决")
    steps, files = BlockerStep.objects.count(), stored_files(evidence_storage)

    page = official_client.get(f"/m/problems/{coordinated_by_other.pk}/")
    response = official_client.post(
        f"/m/problems/{coordinated_by_other.pk}/", {"note": "补充", "files": [jpeg()]}
    )

    assert page.context["may_note"] is False
    assert response.status_code == 200 and errors(response).get("__all__")
    assert BlockerStep.objects.count() == steps and stored_files(evidence_storage) == files


def test_an_empty_note_is_refused(official_client, raised):
    steps = BlockerStep.objects.count()

    response = official_client.post(f"/m/problems/{raised.pk}/", {"note": "  "})

    assert "note" in errors(response) and BlockerStep.objects.count() == steps


def test_the_office_sees_every_problem(supervisor_client, raised):
    assert supervisor_client.get(f"/m/problems/{raised.pk}/").status_code == 200
