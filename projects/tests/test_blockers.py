"""The blocker register's services: every step allowed and refused, for each role; a
refused step changes nothing, files included."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from projects import blockers as services
from projects.choices import BlockerAction, BlockerKind, BlockerState
from projects.models import Blocker, BlockerEvidence, Project
from tracker.models import KeyTask

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def snapshot(blocker):
    blocker = Blocker.objects.get(pk=blocker.pk)
    return (
        blocker.state,
        blocker.version,
        blocker.coordinating_department_id,
        blocker.deadline,
        blocker.steps.count(),
        BlockerEvidence.objects.filter(blocker=blocker).count(),
    )


def test_the_projects_department_raises_a_problem_it_then_owns(raised, project, official_user):
    assert raised.state == BlockerState.OPEN
    assert raised.raising_department == project.responsible_department
    assert raised.raised_by == official_user
    step = raised.steps.get()
    assert (step.action, step.from_state, step.to_state) == (
        BlockerAction.RAISE,
        "",
        BlockerState.OPEN,
    )
    assert list(project.blockers.all()) == [raised]


def test_another_department_may_not_raise_a_problem_on_a_project(project, other_official_user):
    with pytest.raises(PermissionDenied):
        services.raise_blocker(
            by=other_official_user,
            project=project,
            title="x",
            description="y",
            kind=BlockerKind.OTHER,
        )
    assert not Blocker.objects.exists()


def test_a_problem_blocks_one_thing(project, task, supervisor_user):
    with pytest.raises(ValidationError):
        services.raise_blocker(
            by=supervisor_user, project=project, task=task, title="x", description="y", kind="land"
        )
    with pytest.raises(ValidationError):
        services.raise_blocker(by=supervisor_user, title="x", description="y", kind="land")


def test_a_key_task_can_be_blocked_too(task, official_user):
    blocker = services.raise_blocker(
        by=official_user, task=task, title="资金未到位", description="等待批复", kind="financing"
    )
    assert blocker.blocked == task and blocker.raising_department == task.lead_department


def test_a_title_must_be_one_line_and_a_kind_known(project, official_user):
    with pytest.raises(ValidationError) as error:
        services.raise_blocker(
            by=official_user, project=project, title="a\nb", description="y", kind="weather"
        )
    assert {"title", "kind"} <= set(error.value.message_dict)
    assert not Blocker.objects.exists()


def test_a_raise_with_a_refused_file_stores_nothing(project, official_user, photo):
    class Broken:
        """An upload whose storing fails after the first file was stored."""

        name = "x.jpg"

    with pytest.raises(AttributeError):
        services.raise_blocker(
            by=official_user,
            project=project,
            title="用地",
            description="说明",
            kind="land",
            files=[photo(), Broken()],
        )
    assert not Blocker.objects.exists() and not BlockerEvidence.objects.exists()


def test_the_office_assigns_a_coordinator_and_a_deadline(
    coordinating, other_department, department
):
    assert coordinating.state == BlockerState.COORDINATING
    assert coordinating.coordinating_department == other_department
    assert coordinating.deadline == TODAY + datetime.timedelta(days=10)
    assert coordinating.assigned_at is not None
    assert [s.action for s in coordinating.steps.order_by("at", "pk")] == [
        BlockerAction.RAISE,
        BlockerAction.ASSIGN,
    ]


def test_only_the_office_assigns(raised, official_user, other_department):
    before = snapshot(raised)
    with pytest.raises(PermissionDenied):
        services.assign_blocker(
            raised,
            by=official_user,
            coordinating_department=other_department,
            deadline=TODAY,
            today=TODAY,
        )
    assert snapshot(raised) == before


def test_an_assignment_needs_a_coordinator_a_future_deadline_and_no_overlap(
    raised, supervisor_user, other_department
):
    before = snapshot(raised)
    with pytest.raises(ValidationError) as error:
        services.assign_blocker(
            raised,
            by=supervisor_user,
            coordinating_department=other_department,
            supporting_departments=[other_department],
            deadline=TODAY - datetime.timedelta(days=1),
            today=TODAY,
        )
    assert {"deadline", "supporting_departments"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.assign_blocker(
            raised, by=supervisor_user, coordinating_department=None, deadline=None, today=TODAY
        )
    assert {"coordinating_department", "deadline"} <= set(error.value.message_dict)
    assert snapshot(raised) == before


def test_reassigning_keeps_the_state_and_records_the_step(
    coordinating, supervisor_user, department, other_department
):
    blocker = services.assign_blocker(
        coordinating,
        by=supervisor_user,
        coordinating_department=department,
        supporting_departments=[other_department],
        deadline=TODAY + datetime.timedelta(days=20),
        today=TODAY,
    )
    assert blocker.state == BlockerState.COORDINATING
    assert blocker.coordinating_department == department
    assert list(blocker.supporting_departments.all()) == [other_department]
    assert blocker.steps.filter(action=BlockerAction.ASSIGN).count() == 2


def test_the_departments_involved_add_notes_and_others_may_not(
    coordinating, official_user, other_official_user, make_official, photo, department
):
    step = services.add_note(
        coordinating, by=other_official_user, note="已约谈自然资源局", files=[photo()]
    )
    assert step.action == BlockerAction.NOTE and step.to_state == BlockerState.COORDINATING
    assert step.evidence.count() == 1
    services.add_note(coordinating, by=official_user, note="企业已补齐材料")
    from tracker.models import Department

    stranger_department = Department.objects.create(
        name="德州市体育局", short_name="市体育局", division=department.division
    )
    stranger = make_official("stranger", department=stranger_department)
    before = snapshot(coordinating)
    with pytest.raises(PermissionDenied):
        services.add_note(coordinating, by=stranger, note="路过")
    with pytest.raises(ValidationError):
        services.add_note(coordinating, by=official_user, note="   ")
    with pytest.raises(ValidationError):
        services.add_note(coordinating, by=official_user, note="长" * 2001)
    assert snapshot(coordinating) == before


def test_a_supporting_department_may_add_notes(raised, supervisor_user, department, make_official):
    from tracker.models import Department

    helper_department = Department.objects.create(
        name="国网德州供电公司", short_name="供电公司", division=department.division
    )
    helper = make_official("helper", department=helper_department)
    blocker = services.assign_blocker(
        raised,
        by=supervisor_user,
        coordinating_department=department,
        supporting_departments=[helper_department],
        deadline=TODAY,
        today=TODAY,
    )
    assert BlockerAction.NOTE in services.allowed_actions(helper, blocker)
    services.add_note(blocker, by=helper, note="已排定接电计划")


def test_escalate_then_solve_with_evidence(coordinating, supervisor_user, photo):
    blocker = services.escalate_blocker(coordinating, by=supervisor_user, note="提请市长调度会")
    assert blocker.state == BlockerState.ESCALATED
    blocker = services.solve_blocker(
        blocker, by=supervisor_user, resolution="土地已交付", files=[photo()], today=TODAY
    )
    assert (blocker.state, blocker.solved_on, blocker.resolution) == (
        BlockerState.SOLVED,
        TODAY,
        "土地已交付",
    )
    assert blocker.evidence.count() == 1
    assert services.allowed_actions(supervisor_user, blocker) == []


def test_escalating_needs_a_coordinator(raised, supervisor_user):
    before = snapshot(raised)
    with pytest.raises(ValidationError):
        services.escalate_blocker(raised, by=supervisor_user, note="直接上报")
    assert snapshot(raised) == before


def test_officials_may_not_close_escalate_or_withdraw(
    coordinating, official_user, other_official_user
):
    before = snapshot(coordinating)
    for user in (official_user, other_official_user):
        with pytest.raises(PermissionDenied):
            services.solve_blocker(coordinating, by=user, resolution="好了")
        with pytest.raises(PermissionDenied):
            services.escalate_blocker(coordinating, by=user, note="上报")
        with pytest.raises(PermissionDenied):
            services.withdraw_blocker(coordinating, by=user, note="撤")
    assert snapshot(coordinating) == before
    assert services.allowed_actions(other_official_user, coordinating) == [BlockerAction.NOTE]


def test_a_solved_or_withdrawn_problem_takes_no_more_steps(coordinating, supervisor_user):
    blocker = services.withdraw_blocker(coordinating, by=supervisor_user, note="重复提出")
    assert blocker.state == BlockerState.WITHDRAWN and blocker.solved_on is None
    with pytest.raises(ValidationError):
        services.add_note(blocker, by=supervisor_user, note="再补充")
    with pytest.raises(ValidationError):
        services.solve_blocker(blocker, by=supervisor_user, resolution="好了")


def test_the_database_refuses_a_coordinated_problem_without_a_deadline(coordinating):
    with pytest.raises(IntegrityError), transaction.atomic():
        Blocker.objects.filter(pk=coordinating.pk).update(deadline=None)


def test_the_database_refuses_a_solved_problem_without_a_date(coordinating):
    with pytest.raises(IntegrityError), transaction.atomic():
        Blocker.objects.filter(pk=coordinating.pk).update(state=BlockerState.SOLVED)


def test_querysets_find_what_a_department_coordinates(
    coordinating, other_official_user, official_user, supervisor_user, other_department
):
    assert list(Blocker.objects.coordinated_by(other_official_user)) == [coordinating]
    assert not Blocker.objects.coordinated_by(official_user).exists()
    assert Blocker.objects.coordinated_by(supervisor_user).count() == 1
    assert list(Blocker.objects.involving(other_department.pk)) == [coordinating]
    assert list(Blocker.objects.chased()) == [coordinating]
    # The department rule: the raising department changes it, the coordinator reads it.
    assert list(Blocker.objects.changeable_by(official_user)) == [coordinating]
    assert not Blocker.objects.changeable_by(other_official_user).exists()


def test_age_counts_days_since_raised(raised):
    assert services.age_in_days(
        raised, today=raised.raised_at.date() + datetime.timedelta(days=5)
    ) in (4, 5, 6)


def test_escalating_is_offered_only_once_a_coordinator_is_assigned(
    raised, coordinating, supervisor_user
):
    raised_too = services.raise_blocker(
        by=supervisor_user, project=raised.project, title="再一个", description="说明", kind="other"
    )
    assert BlockerAction.ESCALATE not in services.allowed_actions(supervisor_user, raised_too)
    assert BlockerAction.ESCALATE in services.allowed_actions(supervisor_user, coordinating)
    with pytest.raises(ValidationError):
        services.escalate_blocker(raised_too, by=supervisor_user, note="直接上报")


def test_nothing_blocks_a_dropped_project_or_an_ended_task(project, task, supervisor_user):
    from projects.choices import Stage
    from tracker.choices import TaskState

    Project.objects.filter(pk=project.pk).update(stage=Stage.DROPPED)
    project.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.raise_blocker(
            by=supervisor_user, project=project, title="x", description="y", kind="land"
        )
    assert "project" in error.value.message_dict
    KeyTask.objects.filter(pk=task.pk).update(state=TaskState.CANCELLED, status="cancelled")
    task.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.raise_blocker(
            by=supervisor_user, task=task, title="x", description="y", kind="land"
        )
    assert "task" in error.value.message_dict
    assert not Blocker.objects.exists()
