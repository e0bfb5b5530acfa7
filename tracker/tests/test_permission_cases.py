"""The department rule on key tasks, admin and API: the generic matrix, declared."""

import datetime

from core.testing.permissions import OwnedModelPermissionCases
from tracker.choices import TaskStatus
from tracker.models import KeyTask, TaskUpdate


class TestKeyTaskPermissions(OwnedModelPermissionCases):
    model = KeyTask
    owner_field = "lead_department"
    own_fixture, other_fixture = "task", "other_task"
    api_basename = "keytask"
    edit = {"title": "新标题"}
    report_model = TaskUpdate
    report_data = {
        "reported_on": "2023-05-20",
        "status": TaskStatus.IN_PROGRESS,
        "progress": "60",
        "note": "已完成初稿",
    }
    # Over the API, a report that starts the work (a done report is a supervisor's close-out,
    # tracker/tests/test_loop.py).
    api_report_data = {
        "reported_on": "2023-05-01",
        "status": TaskStatus.IN_PROGRESS,
        "progress": 40,
    }

    def new_record(self, own):
        return {
            "code": "KT-NEW",
            "year": 2023,
            "title": "新任务",
            "work_point": own.work_point_id,
            "deadline": "2023-12-31",
            "status": TaskStatus.NOT_STARTED,
            "progress": 0,
        }

    def assert_reported(self, task, data):
        assert (task.status, task.progress) == (data["status"], int(data["progress"]))
        if data["status"] == TaskStatus.DONE:
            assert task.completed_on == datetime.date.fromisoformat(data["reported_on"])
