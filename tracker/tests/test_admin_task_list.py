"""The key-task admin list at province scale: its count, year choices and date hierarchy
read the tasks alone (no join over their reports), the year choices come from the task
tally, and each row's last report is still read (the "next report" column)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tracker.admin_filters import TaskYearFilter
from tracker.choices import TaskStatus
from tracker.models import KeyTask, TaskUpdate
from tracker.services import record_task_update

pytestmark = pytest.mark.django_db

LIST = "/admin/tracker/keytask/"


@pytest.fixture
def tasks(task, work_point, department):
    later = KeyTask.objects.create(
        code="KT-2025-001",
        year=2025,
        title="二〇二五年的任务",
        work_point=work_point,
        lead_department=department,
        deadline=datetime.date(2025, 6, 30),
    )
    record_task_update(
        task=task, reported_on=timezone.localdate(), status=TaskStatus.IN_PROGRESS, progress=30
    )
    return task, later


def test_no_query_of_the_list_joins_the_reports(admin_client, tasks):
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(LIST)
    assert response.status_code == 200
    joined = [q["sql"] for q in captured if 'JOIN "tracker_taskupdate"' in q["sql"]]
    assert joined == []
    distinct_years = [
        q["sql"]
        for q in captured
        if "DISTINCT" in q["sql"] and '"year"' in q["sql"] and 'FROM "tracker_keytask"' in q["sql"]
    ]
    assert distinct_years == []


def test_each_row_still_knows_its_last_report(admin_client, tasks):
    task, later = tasks
    listed = {row.pk: row for row in admin_client.get(LIST).context["cl"].result_list}
    latest = TaskUpdate.objects.filter(task=task).latest("created_at").created_at
    assert listed[task.pk].last_reported_at == latest
    assert listed[later.pk].last_reported_at is None


def test_the_year_choices_are_the_tallys_and_filter_the_list(admin_client, tasks):
    response = admin_client.get(LIST)
    (year_filter,) = [
        f for f in response.context["cl"].filter_specs if isinstance(f, TaskYearFilter)
    ]
    choices = [choice["display"] for choice in year_filter.choices(response.context["cl"])]
    assert choices[1:] == ["2025", "2023"]  # after "All", newest first
    codes = [
        t.code for t in admin_client.get(LIST, {"year__exact": "2025"}).context["cl"].result_list
    ]
    assert codes == ["KT-2025-001"]
    assert admin_client.get(LIST, {"year__exact": "20x5"}).context["cl"].result_count == 0
