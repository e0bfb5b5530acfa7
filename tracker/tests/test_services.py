import datetime

import pytest
from django.core.exceptions import ValidationError

from tracker.choices import TaskStatus
from tracker.models import KeyTask, TaskUpdate
from tracker.services import record_task_update, save_key_task

TODAY = datetime.date(2023, 6, 1)


def record(task, **overrides):
    fields = {
        "task": task,
        "reported_on": datetime.date(2023, 5, 20),
        "status": TaskStatus.IN_PROGRESS,
        "progress": 40,
        "note": "已完成初稿",
        "today": TODAY,
    }
    fields.update(overrides)
    return record_task_update(**fields)


def test_update_becomes_the_current_state(task, official_user):
    update = record(task, author=official_user)
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_on) == (TaskStatus.IN_PROGRESS, 40, None)
    assert update.author == official_user
    assert list(task.updates.all()) == [update]


def test_done_update_dates_the_completion(task):
    record(task, status=TaskStatus.DONE, progress=100, reported_on=datetime.date(2023, 5, 31))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_on == datetime.date(2023, 5, 31)


def test_reopening_a_done_task_clears_its_completion(task):
    record(task, status=TaskStatus.DONE, progress=100, reported_on=datetime.date(2023, 5, 1))
    record(task, status=TaskStatus.IN_PROGRESS, progress=90, reported_on=datetime.date(2023, 5, 2))
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.IN_PROGRESS, None)
    assert task.updates.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"progress": 120}, "progress"),
        ({"status": TaskStatus.DONE, "progress": 80}, "progress"),
        ({"reported_on": datetime.date(2023, 6, 2)}, "reported_on"),
        ({"status": "finished"}, "status"),
    ],
)
def test_bad_update_changes_nothing(task, overrides, field):
    before = KeyTask.objects.values().get(pk=task.pk)
    with pytest.raises(ValidationError) as error:
        record(task, **overrides)
    assert field in error.value.message_dict
    assert KeyTask.objects.values().get(pk=task.pk) == before
    assert TaskUpdate.objects.count() == 0


def test_report_cannot_predate_the_latest(task):
    record(task, reported_on=datetime.date(2023, 5, 20))
    with pytest.raises(ValidationError) as error:
        record(task, reported_on=datetime.date(2023, 5, 19), progress=50)
    assert "2023-05-20" in error.value.message_dict["reported_on"][0]
    assert task.updates.count() == 1


def test_save_key_task_refuses_lead_as_supporter(task, department, other_department):
    save_key_task(task, supporting_departments=[other_department])
    assert list(task.supporting_departments.all()) == [other_department]
    with pytest.raises(ValidationError) as error:
        save_key_task(task, supporting_departments=[department])
    assert "supporting_departments" in error.value.message_dict
    assert list(task.supporting_departments.all()) == [other_department]
