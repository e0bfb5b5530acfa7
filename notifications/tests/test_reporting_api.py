"""/api/v1/reporting/missing/ and /api/v1/reporting/departments/: who owes what on a day,
and the dashboard's department panel; read by every signed-in user and token, queries
refused field by field, a constant number of queries whatever the number of tasks."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.tests.world import make_task
from tracker.models import KeyTask

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 10, 12)
LATER = D(2026, 12, 31)
MISSING, DEPARTMENTS = "/api/v1/reporting/missing/", "/api/v1/reporting/departments/"


def at(day, hour):
    naive = datetime.datetime.combine(day, datetime.time(hour))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def world(work_point, department, other_department, copies=1, first=0):
    """In ``department``: tasks owing a report, tasks awaiting receipt past its deadline and
    one within it, tasks on each rung on DAY; in the other, one owing a report."""
    for n in range(first, first + copies):
        make_task(work_point, department, f"KT-R{n}", LATER)
        late = make_task(work_point, department, f"KT-A{n}", LATER)
        KeyTask.objects.filter(pk=late.pk).update(assigned_at=at(D(2026, 9, 30), 10))
        fresh = make_task(work_point, department, f"KT-F{n}", LATER)
        KeyTask.objects.filter(pk=fresh.pk).update(assigned_at=at(DAY, 9))
        for due in (D(2026, 10, 14), D(2026, 10, 9), D(2026, 9, 29), D(2026, 9, 1)):
            make_task(work_point, department, f"KT-{due:%m%d}-{n}", due)
    make_task(work_point, other_department, f"KT-O{first or ''}", LATER)


@pytest.fixture
def reader(official_user, api_client_for):
    return api_client_for(official_user, scope="read")


def test_missing_lists_what_each_department_owes_on_a_day(
    reader, work_point, department, other_department
):
    world(work_point, department, other_department)
    answer = reader.get(MISSING, {"date": DAY.isoformat(), "department": department.pk})
    assert answer.status_code == 200, answer.content
    rows = answer.json()["results"]
    receipts = [row for row in rows if row["what"] == "receipt"]
    assert [row["code"] for row in receipts] == ["KT-A0"]  # KT-F0 is due on the 14th
    receipt = receipts[0]
    assert receipt["department"] == department.pk
    assert receipt["department_name"] == "德州市商务局"
    assert receipt["cutoff"].startswith("2026-10-09T10:00")  # two working days, National Day
    assert (
        receipt["admin_path"]
        == f"/admin/tracker/keytask/{KeyTask.objects.get(code='KT-A0').pk}/change/"
    )
    reports = [row for row in rows if row["what"] == "report"]
    assert "KT-R0" in {row["code"] for row in reports}
    assert {row["cutoff"][:16] for row in reports} == {"2026-09-28T23:59"}
    assert all(row["last_reported_at"] is None for row in reports)
    assert rows.index(receipt) == 0  # by department, what, cut-off, code
    everyone = reader.get(MISSING, {"date": DAY.isoformat()}).json()
    assert "KT-O" in {row["code"] for row in everyone["results"]}
    assert everyone["count"] == answer.json()["count"] + 1
    assert reader.get(MISSING, {"department": 987654}).json()["count"] == 0


def test_departments_count_receipts_reports_and_rungs(
    reader, work_point, department, other_department
):
    world(work_point, department, other_department)
    answer = reader.get(DEPARTMENTS, {"date": DAY.isoformat()})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["date"] == "2026-10-12"
    assert [rung["working_days"] for rung in data["rungs"]] == [-3, 0, 3, 7]
    assert data["rungs"][3]["audience"] == "leadership" and data["rungs"][3]["name"]
    rows = {row["id"]: row for row in data["results"]}
    assert rows[department.pk] == {
        "id": department.pk,
        "name": "德州市商务局",
        "short_name": "市商务局",
        "awaiting_receipt": 7,  # written straight, none acknowledged (KT-F0: before the end)
        "missing_reports": 5,  # KT-R0 and the four with deadlines: never reported
        "overdue_receipts": 1,
        "rungs": {"-3": 1, "0": 1, "3": 1, "7": 1},
    }
    assert rows[other_department.pk]["missing_reports"] == 1
    assert rows[other_department.pk]["rungs"] == {"-3": 0, "0": 0, "3": 0, "7": 0}
    csv = reader.get(DEPARTMENTS, {"date": DAY.isoformat(), "format": "csv"})
    assert csv.status_code == 200 and "rungs.-3" in csv.content.decode("utf-8-sig")


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [MISSING, DEPARTMENTS])
def test_a_constant_number_of_queries_whatever_the_number_of_tasks(
    reader, work_point, department, other_department, url
):
    params = {"date": DAY.isoformat()}
    world(work_point, department, other_department, copies=1)
    queries(reader, url, params)  # the token's first use is recorded (once a minute)
    few = queries(reader, url, params)
    world(work_point, department, other_department, copies=5, first=1)  # 6 times as many
    assert queries(reader, url, params) == few


@pytest.mark.parametrize(
    "query, field",
    [
        ("date=2026-1-5", "date"),
        ("date=10/12/2026", "date"),
        ("date=2026-02-30", "date"),
        ("department=12.0", "department"),
        ("department=%2012", "department"),
        ("department=99999999999999999999", "department"),
        ("date=2026-10-12&date=2026-10-13", "date"),
    ],
)
def test_a_query_the_schema_calls_invalid_is_a_400_naming_it(reader, query, field):
    answer = reader.get(f"{MISSING}?{query}")
    assert answer.status_code == 400 and list(answer.json()) == [field]
    if field == "date":
        assert list(reader.get(f"{DEPARTMENTS}?{query}").json()) == [field]


@pytest.mark.parametrize("url", [MISSING, DEPARTMENTS])
def test_any_date_is_answered_outside_the_tracker_s_years_nothing_is_owed(
    reader, work_point, department, other_department, url
):
    world(work_point, department, other_department)
    for day in ("0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"):
        answer = reader.get(url, {"date": day})
        assert answer.status_code == 200, (day, answer.content)
        if url == MISSING:
            assert answer.json()["count"] == 0
        else:
            rows = answer.json()["results"]
            counts = [
                row[name]
                for row in rows
                for name in ("awaiting_receipt", "missing_reports", "overdue_receipts")
            ]
            counts += [count for row in rows for count in row["rungs"].values()]
            assert len(rows) == 2 and not any(counts)
    # An empty date means today, as every filter reads an empty value.
    assert reader.get(url, {"date": ""}).json() == reader.get(url).json()


def test_read_by_officials_supervisors_and_sessions_never_written(
    client, supervisor_user, official_user, api_client_for
):
    assert APIClient().get(MISSING).status_code == 401
    assert APIClient().get(DEPARTMENTS).status_code == 401
    for user in (official_user, supervisor_user):
        token = api_client_for(user, scope="read_write")
        assert token.get(MISSING).status_code == 200
        assert token.post(MISSING, {}).status_code == 405
        assert token.post(DEPARTMENTS, {}).status_code == 405
    client.force_login(official_user)
    assert client.get(DEPARTMENTS).status_code == 200


def test_the_schema_documents_both(reader):
    schema = reader.get("/api/schema/", {"format": "json"}).json()
    missing = schema["paths"][MISSING]["get"]
    names = {parameter["name"] for parameter in missing["parameters"]}
    assert {"date", "department", "page", "page_size"} <= names
    departments = schema["paths"][DEPARTMENTS]["get"]
    assert set(departments) >= {"responses", "parameters"}
    assert "get" in schema["paths"][DEPARTMENTS] and "post" not in schema["paths"][DEPARTMENTS]
