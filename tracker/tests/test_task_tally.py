"""Key-task statistics from the tally (tracker.tallies) equal those from the rows, for every
kind of user, grouping and filter set, overdue and due soon included around today's edges;
``X-Stats-Source`` says ``tally`` exactly where the tally covers the question; and the
cells stay exact whatever writes the tasks or moves a work point to another aspect."""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from config.tests.tenant_world import LANGFANG, SHIJIAZHUANG, new_department, readers, tenants
from core.tenancy import acting_for
from projects.tallies import check
from tracker.api.stats import TaskStatsView
from tracker.choices import STATE_OF_STATUS, Aspect, TaskStatus
from tracker.models import KeyTask, TaskTally, WorkPoint

pytestmark = pytest.mark.django_db

GROUPINGS = ["department", "aspect", "work_point", "month", "city"]
STATUSES = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED]
# Days from today: overdue by one, due today, the last day of "due soon", the day after,
# long past, far ahead.
OFFSETS = [-1, 0, 14, 15, -400, 200]


def exact():
    found = check()
    assert found == [], found[:5]


def new_task(code, work_point, department, deadline, status, year=2026):
    return KeyTask.objects.create(
        code=code,
        year=year,
        title=f"任务{code}",
        work_point=work_point,
        lead_department=department,
        deadline=deadline,
        status=status,
        state=STATE_OF_STATUS[status],
        completed_on=deadline if status == TaskStatus.DONE else None,
    )


@pytest.fixture
def world(department, other_department, dezhou, make_official):
    tenants()
    today = timezone.localdate()
    places = {"371400": [department, other_department]}
    with acting_for(LANGFANG):
        places[LANGFANG] = [new_department("廊坊市商务局", "商务局")]
    with acting_for(SHIJIAZHUANG):
        places[SHIJIAZHUANG] = [new_department("石家庄市商务局", "商务局")]
    aspects = [Aspect.INDUSTRY, Aspect.MARKET]
    combinations = itertools.product(places, STATUSES, OFFSETS, (2025, 2026))
    for n, (tenant, status, offset, year) in enumerate(combinations, start=1):
        with acting_for(tenant):
            point, _ = WorkPoint.objects.get_or_create(
                tenant_id=tenant,
                year=year,
                number=1 + n % 2,
                defaults={"aspect": aspects[n % 2], "title": f"要点{n % 2}"},
            )
            departments = places[tenant]
            deadline = today + datetime.timedelta(days=offset)
            new_task(f"KT-{n}", point, departments[n % len(departments)], deadline, status, year)
    province, region = readers(make_official)
    users = {
        "city official": make_official("tally-official", department),
        "city office": make_official("tally-office", is_supervisor=True),
        "province": province,
        "region": region,
        "superuser": get_user_model().objects.create_superuser("tally-root", password="x"),
    }
    filter_sets = [
        {},
        {"year": 2025},
        {"year": 2026, "status": "in_progress"},
        {"status": "done"},
        # Not covered: answered from the rows.
        {"overdue": "true"},
        {"year": 2026, "lead_department": department.pk},
        {"aspect": Aspect.INDUSTRY},
    ]
    return users, filter_sets


def covered(who, filters):
    return who != "region" and set(filters) <= {"year", "status"}


def test_the_tally_answers_as_the_rows_do(world, monkeypatch):
    users, filter_sets = world
    tally_path = TaskStatsView.from_tally
    mismatched, wrong_source, answered = [], [], 0
    for (who, user), group_by, filters in itertools.product(users.items(), GROUPINGS, filter_sets):
        client = APIClient()
        client.force_authenticate(user)
        params = {"group_by": group_by, **filters}
        monkeypatch.setattr(TaskStatsView, "from_tally", tally_path)
        answer = client.get("/api/v1/stats/tasks/", params)
        monkeypatch.setattr(TaskStatsView, "from_tally", lambda *args: None)
        rows = client.get("/api/v1/stats/tasks/", params)
        assert answer.status_code == rows.status_code == 200, answer.content
        assert rows["X-Stats-Source"] == "rows"
        if answer.json() != rows.json():
            mismatched.append((who, params, answer.json(), rows.json()))
        if (answer["X-Stats-Source"] == "tally") != covered(who, filters):
            wrong_source.append((who, params, answer["X-Stats-Source"]))
        answered += answer.json()["total"]["tasks"] > 0
    assert mismatched == []
    assert wrong_source == []
    assert answered > 100


def test_overdue_and_due_soon_follow_today(world):
    users, _filter_sets = world
    client = APIClient()
    client.force_authenticate(users["superuser"])
    total = client.get("/api/v1/stats/tasks/", {"group_by": "city"}).json()["total"]
    # 3 cities × 2 years × each open status (2): one task per offset.
    per_offset = 3 * 2 * 2
    assert total["tasks"] == 3 * 4 * len(OFFSETS) * 2
    assert total["overdue"] == 2 * per_offset  # one day and 400 days late
    assert total["due_soon"] == 2 * per_offset  # today and the 14th day
    assert total["done"] == total["cancelled"] == len(OFFSETS) * 3 * 2


def test_a_province_reads_its_cities_tasks_whole_and_a_region_from_the_rows(world):
    users, _filter_sets = world
    client = APIClient()
    client.force_authenticate(users["province"])
    answer = client.get("/api/v1/stats/tasks/", {"group_by": "department"})
    keys = {group["key"] for group in answer.json()["groups"]}
    assert answer["X-Stats-Source"] == "tally"
    hebei = KeyTask.objects.filter(tenant_id__in=[LANGFANG, SHIJIAZHUANG])
    assert keys == set(hebei.values_list("lead_department_id", flat=True))
    client.force_authenticate(users["region"])
    assert client.get("/api/v1/stats/tasks/", {"group_by": "city"})["X-Stats-Source"] == "rows"


def test_the_tally_answer_reads_no_task_but_those_not_due_yet(world):
    users, _filter_sets = world
    client = APIClient()
    client.force_authenticate(users["superuser"])
    with CaptureQueriesContext(connection) as captured:
        answer = client.get("/api/v1/stats/tasks/", {"group_by": "work_point"})
    assert answer["X-Stats-Source"] == "tally"
    task_reads = [q["sql"] for q in captured if 'FROM "tracker_keytask"' in q["sql"]]
    assert len(task_reads) == 1
    assert '"tracker_keytask"."deadline" >=' in task_reads[0]
    assert len(captured) <= 6


def test_every_write_keeps_the_cells_exact(world, department, other_department):
    exact()
    task = KeyTask.objects.filter(tenant_id="371400", status=TaskStatus.IN_PROGRESS).first()
    task.status, task.state = TaskStatus.DONE, STATE_OF_STATUS[TaskStatus.DONE]
    task.completed_on = task.deadline
    task.deadline += datetime.timedelta(days=40)
    task.lead_department = other_department if task.lead_department == department else department
    task.save()
    exact()
    later = F("deadline") + datetime.timedelta(days=31)
    KeyTask.objects.filter(tenant_id=LANGFANG).update(deadline=later)
    KeyTask.objects.filter(status=TaskStatus.CANCELLED).update(year=2024)
    exact()
    KeyTask.objects.filter(tenant_id=SHIJIAZHUANG, status=TaskStatus.DONE).delete()
    exact()
    point = WorkPoint.objects.filter(tenant_id="371400").first()
    WorkPoint.objects.filter(pk=point.pk).update(aspect=Aspect.POLICY)
    exact()
    moved = TaskTally.objects.filter(dim="aspect", key=Aspect.POLICY, year=0)
    assert sum(moved.values_list("tasks", flat=True)) == point.tasks.count() > 0


def test_a_task_of_year_0_is_counted_once_in_all_years(world):
    """Only raw SQL or update() can store year 0: its own cell is the "all years" one."""
    task = KeyTask.objects.first()
    KeyTask.objects.filter(pk=task.pk).update(year=0)
    every = TaskTally.objects.filter(dim="", year=0).values_list("tasks", flat=True)
    assert sum(every) == KeyTask.objects.count()
    exact()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_work_points_aspect_recounts_its_city_only(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's row trigger recounts the dimension whole (one writer)")
    others = TaskTally.objects.filter(dim="aspect").exclude(tenant_id="371400")
    before = set(others.values_list("pk", flat=True))
    point = WorkPoint.objects.filter(tenant_id="371400").first()
    WorkPoint.objects.filter(pk=point.pk).update(aspect=Aspect.XIONGAN)
    assert set(others.values_list("pk", flat=True)) == before  # untouched, not rebuilt
    assert TaskTally.objects.filter(dim="aspect", key=Aspect.XIONGAN, tenant_id="371400").exists()
    exact()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_cells_and_the_tasks_not_due_are_read_from_one_snapshot(world):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's isolation levels")
    users, _filter_sets = world
    client = APIClient()
    client.force_authenticate(users["superuser"])
    with CaptureQueriesContext(connection) as captured:
        answer = client.get("/api/v1/stats/tasks/", {"group_by": "department"})
    assert answer["X-Stats-Source"] == "tally"
    sql = [q["sql"] for q in captured]
    start = next(i for i, text in enumerate(sql) if "REPEATABLE READ" in text)
    reads = [
        i for i, text in enumerate(sql) if "tracker_tasktally" in text or "tracker_keytask" in text
    ]
    assert start < reads[0] and len(reads) == 2


def test_check_tallies_finds_and_repairs_a_drifted_task_cell(world):
    cell = TaskTally.objects.filter(dim="department", year=0).first()
    TaskTally.objects.filter(pk=cell.pk).update(tasks=F("tasks") + 5)
    with pytest.raises(CommandError, match="differ"):
        call_command("check_tallies")
    call_command("check_tallies", "--repair")
    exact()
