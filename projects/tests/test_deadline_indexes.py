"""The digests' and reminders' reads of one city's projects can use their partial indexes
(projects/models/deadline_indexes.py): PostgreSQL uses a partial index only when the
query's own filters imply its condition, so a change to a source's filter (or to the
stages an index names) must show here, not as a digest run ten times slower at a
province's size."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.tenancy import acting_for
from notifications.item_queries import first_per_department
from projects.choices import Stage
from projects.deadlines import MilestoneDeadlines
from projects.models import Project
from projects.models.deadline_indexes import DEADLINE_INDEXES
from projects.reporting import KeyProjectReporting
from workdays.calendar import calendar

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan"),
]

DAY = datetime.date(2026, 11, 23)
STAGES = [Stage.LEAD, Stage.SIGNED, Stage.UNDER_CONSTRUCTION, Stage.IN_OPERATION, Stage.DROPPED]


@pytest.fixture
def city(project):
    """600 projects of the fixture's city in every stage, with the dates each stage needs."""
    rows = []
    for n in range(600):
        stage = STAGES[n % len(STAGES)]
        dated = stage in (Stage.SIGNED, Stage.UNDER_CONSTRUCTION, Stage.IN_OPERATION)
        built = stage in (Stage.UNDER_CONSTRUCTION, Stage.IN_OPERATION)
        day = DAY - datetime.timedelta(days=n)
        rows.append(
            Project(
                tenant_id=project.tenant_id,
                code=f"DI-{n:04d}",
                name=f"项目{n}",
                investor="某某公司",
                year=2024,
                stage=stage,
                is_key=n % 3 == 0,
                host_division=project.host_division,
                responsible_department=project.responsible_department,
                total_investment=Decimal(100),
                signed_on=day if dated else None,
                planned_start_on=day if dated else None,
                started_on=day if built else None,
                planned_production_on=day if built else None,
                produced_on=day if stage == Stage.IN_OPERATION else None,
            )
        )
    Project.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    return project.tenant_id


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A small table: without this the planner reads it whole. Off, it must pick an
        # index, and it picks the cheapest that the query's filters allow.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_key_projects_owing_reports_are_read_from_their_indexes(city):
    # A month on, every key project that reports owes its report: the projects come from
    # their partial index, and whether each reported since is a probe of the reports'.
    moment = timezone.now() + datetime.timedelta(days=30)
    with acting_for(city):
        (owed,) = KeyProjectReporting().owed_queries(moment, calendar())
        found = plan(owed.queryset)
        assert "project_key_reporting" in found
        assert "projectupdate_project_created" in found
        assert (
            owed.queryset.count()
            == Project.objects.filter(
                tenant_id=city,
                is_key=True,
                stage__in=[Stage.LEAD, Stage.SIGNED, Stage.UNDER_CONSTRUCTION],
            ).count()
        )


@pytest.fixture
def only_their_indexes(city):
    """The projects' other indexes dropped (in the test's transaction): in a city of 600
    rows an index on the stage, or the department's key, is as cheap as a partial index,
    but not among a province's million; without them the planner picks the partial
    index when the query's filters imply its condition, and reads the table otherwise."""
    keep = {index.name for index in DEADLINE_INDEXES}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = 'projects_project'::regclass AND NOT i.indisunique"
        )
        for (name,) in cursor.fetchall():
            if name not in keep:
                cursor.execute(f'DROP INDEX "{name}"')
    return city


@pytest.mark.parametrize("milestone", [0, 1], ids=["start", "production"])
def test_open_and_completed_milestones_are_read_from_their_indexes(only_their_indexes, milestone):
    city = only_their_indexes
    source = MilestoneDeadlines()
    name = ["project_start", "project_production"][milestone]
    with acting_for(city):
        due = list(source.open_queries(DAY + datetime.timedelta(days=14)))[milestone]
        done = list(source.completed_queries(DAY - datetime.timedelta(days=7), DAY))[milestone]
        assert f"{name}_due_dept" in plan(due.queryset)
        assert f"{name}_done" in plan(done.queryset)
        # What the indexes serve is what the rows say.
        stage, planned, actual = (
            (Stage.SIGNED, "planned_start_on", "started_on"),
            (Stage.UNDER_CONSTRUCTION, "planned_production_on", "produced_on"),
        )[milestone]
        assert due.queryset.count() == Project.objects.filter(tenant_id=city, stage=stage).count()
        assert done.queryset.count() == (
            Project.objects.filter(
                tenant_id=city, **{f"{actual}__range": (DAY - datetime.timedelta(days=7), DAY)}
            )
            .exclude(**{f"{planned}": None})
            .count()
        )


@pytest.mark.parametrize("milestone", [0, 1], ids=["start", "production"])
def test_each_departments_most_urgent_milestones_are_read_from_the_index(
    only_their_indexes, milestone
):
    city = only_their_indexes
    # The digest's two queries (notifications.item_queries.first_per_department): the
    # counts per department from the index alone, then each department's first rows.
    name = ["project_start", "project_production"][milestone]
    with acting_for(city):
        due = list(MilestoneDeadlines().open_queries(DAY + datetime.timedelta(days=14)))
        with CaptureQueriesContext(connection) as queried:
            list(first_per_department(due[milestone], 20, DAY))
    reads = [
        query["sql"] for query in queried.captured_queries if query["sql"].startswith("SELECT")
    ]
    counts, firsts = (explained(sql) for sql in reads)
    # (From the index alone once the table is vacuumed, which a test's cannot be.)
    assert f"{name}_due_dept" in counts, counts
    assert f"{name}_due_dept" in firsts and "WindowAgg" not in firsts, firsts


def explained(sql):
    with connection.cursor() as cursor:
        # As plan() does. (EXPLAIN at 1,000,000 projects: the largest city's 20,000
        # production milestones due counted in 7 ms from the index alone.)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())
