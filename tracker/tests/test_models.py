import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.deadlines import Light, days_left, light_for
from tracker.choices import TaskStatus
from tracker.models import KeyTask, Official, WorkPoint

TODAY = datetime.date(2023, 6, 1)


def test_done_task_needs_completion_date(task):
    task.status = TaskStatus.DONE
    task.progress = 100
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "completed_on" in error.value.message_dict


def test_database_refuses_done_task_without_completion_date(task):
    with transaction.atomic(), pytest.raises(IntegrityError):
        KeyTask.objects.filter(pk=task.pk).update(status=TaskStatus.DONE)


def test_only_done_task_has_completion_date(task):
    task.completed_on = TODAY
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "completed_on" in error.value.message_dict


def test_progress_is_a_percentage(task):
    task.progress = 101
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "progress" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        KeyTask.objects.filter(pk=task.pk).update(progress=150)


def test_deadline_is_required(work_point, department):
    task = KeyTask(
        code="X", year=2023, title="t", work_point=work_point, lead_department=department
    )
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "deadline" in error.value.message_dict


def test_work_point_year_must_match(task):
    task.year = 2024
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "work_point" in error.value.message_dict


def test_overdue_is_derived_from_status_and_deadline(task, work_point, department):
    done = KeyTask.objects.create(
        code="KT-2",
        year=2023,
        title="done",
        work_point=work_point,
        lead_department=department,
        deadline=datetime.date(2023, 3, 31),
        status=TaskStatus.DONE,
        progress=100,
        completed_on=datetime.date(2023, 3, 30),
    )
    after_deadline = datetime.date(2023, 7, 1)
    assert list(KeyTask.objects.overdue(after_deadline)) == [task]
    assert task.is_overdue(after_deadline)
    assert not task.is_overdue(datetime.date(2023, 6, 30))
    assert not done.is_overdue(after_deadline)
    assert list(KeyTask.objects.overdue(datetime.date(2023, 6, 30))) == []


def test_due_within_counts_today_to_the_horizon(task):
    assert list(KeyTask.objects.due_within(14, datetime.date(2023, 6, 16))) == [task]
    assert list(KeyTask.objects.due_within(14, datetime.date(2023, 6, 15))) == []
    assert list(KeyTask.objects.due_within(14, datetime.date(2023, 7, 1))) == []


@pytest.mark.parametrize(
    ("deadline", "light"),
    [
        (datetime.date(2023, 5, 31), Light.RED),
        (TODAY, Light.YELLOW),
        (datetime.date(2023, 6, 15), Light.YELLOW),
        (datetime.date(2023, 6, 16), Light.GREEN),
        (None, Light.NONE),
    ],
)
def test_light_at_the_edges(deadline, light):
    assert light_for(deadline, TODAY) == light


def test_days_left_is_negative_when_overdue():
    assert days_left(datetime.date(2023, 5, 29), TODAY) == -3
    assert days_left(datetime.date(2023, 6, 4), TODAY) == 3


def test_closed_task_has_no_light(task):
    task.status = TaskStatus.CANCELLED
    assert task.light(datetime.date(2024, 1, 1)) == Light.NONE


def test_work_point_number_unique_within_year(work_point):
    duplicate = WorkPoint(year=2023, aspect=work_point.aspect, number=1, title="dup")
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    WorkPoint(year=2024, aspect=work_point.aspect, number=1, title="next year").full_clean()


def test_official_needs_department_unless_supervisor(django_user_model):
    user = django_user_model.objects.create_user("someone")
    with pytest.raises(ValidationError):
        Official(user=user).full_clean()
    Official(user=user, is_supervisor=True).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Official.objects.create(user=user)
