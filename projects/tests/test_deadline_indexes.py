"""The digests' and reminders' reads of one city's projects can use their partial indexes
(projects/models/deadline_indexes.py): PostgreSQL uses a partial index only when the
query's own filters imply its condition, so a change to a source's filter (or to the
stages an index names) must show here, not as a digest run ten times slower at a
province's size."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.tenancy import acting_for
from projects.choices import Stage
from projects.deadlines import MilestoneDeadlines
from projects.models import Project
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


@pytest.mark.parametrize("milestone", [0, 1], ids=["start", "production"])
def test_open_and_completed_milestones_are_read_from_their_indexes(city, milestone):
    source = MilestoneDeadlines()
    name = ["project_start", "project_production"][milestone]
    with acting_for(city):
        due = list(source.open_queries(DAY + datetime.timedelta(days=14)))[milestone]
        done = list(source.completed_queries(DAY - datetime.timedelta(days=7), DAY))[milestone]
        assert f"{name}_due" in plan(due.queryset)
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
