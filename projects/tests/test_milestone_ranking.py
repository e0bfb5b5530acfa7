"""Each department's most urgent milestones, read department first
(notifications.item_queries.first_per_department over the milestones' department-first
indexes): the same groups, totals and items in the same order as ranking every row in a
window, ties on the date broken by code then id, in two queries whatever the number of
departments."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import acting_for
from notifications.item_queries import first_per_department, top_per_department
from projects.choices import Stage
from projects.deadlines import MilestoneDeadlines
from projects.models import Project
from tracker.models import Department

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
HORIZON = TODAY + datetime.timedelta(days=14)


@pytest.fixture
def milestones(project, department, other_department):
    """Signed and building projects of three departments, their
    planned dates on few days (many ties) before, on and after TODAY, codes out of id
    order."""
    third = Department.objects.create(name="德州市发展和改革委员会", division=department.division)
    owners = [department, other_department, third]
    rows = []
    for n in range(90):
        stage = (Stage.SIGNED, Stage.UNDER_CONSTRUCTION)[n % 2]
        day = TODAY + datetime.timedelta(days=(n % 7) * 4 - 12)  # TODAY among them
        rows.append(
            Project(
                tenant_id=project.tenant_id,
                code=f"MR-{(n * 37) % 90:03d}",
                name=f"里程碑项目{n}",
                investor="某某公司",
                year=2024,
                stage=stage,
                host_division=project.host_division,
                responsible_department=owners[n % 3],
                total_investment=Decimal(100),
                planned_start_on=day,
                started_on=day if stage == Stage.UNDER_CONSTRUCTION else None,
                planned_production_on=day if stage == Stage.UNDER_CONSTRUCTION else None,
            )
        )
    Project.objects.bulk_create(rows)
    return project.tenant_id


def told(groups):
    return sorted(
        (department, overdue, total, [(item.key, item.due_on) for item in items])
        for department, overdue, total, items in groups
    )


@pytest.mark.parametrize("split", [TODAY, None], ids=["overdue apart", "one side"])
def test_department_first_reads_what_the_window_ranks(milestones, split):
    with acting_for(milestones):
        queries = list(MilestoneDeadlines().open_queries(HORIZON))
        assert all(query.department_first for query in queries)
        for query in queries:
            windowed = dataclasses.replace(query, department_first=False)
            expected = told(top_per_department(windowed, 4, split))
            with CaptureQueriesContext(connection) as queried:
                found = told(first_per_department(query, 4, split))
            assert found == expected
            # Three departments, each on both sides of TODAY when split.
            assert len(found) == (6 if split else 3)
            assert sum(total for _d, _o, total, _i in found) == query.queryset.count()
            if connection.vendor == "postgresql":  # else a query a department
                assert len(selects(queried)) == 2


def test_ties_on_the_date_are_cut_by_code_then_id(milestones, department):
    with acting_for(milestones):
        query = next(iter(MilestoneDeadlines().open_queries(HORIZON)))
        groups = told(top_per_department(query, 50, TODAY))
    rows = Project.objects.filter(
        stage=Stage.SIGNED, responsible_department=department, planned_start_on__lt=TODAY
    ).order_by("planned_start_on", "code", "pk")
    (items,) = [items for dep, overdue, _t, items in groups if dep == department.pk and overdue]
    assert [key for key, _due in items] == [f"project-start:{row.pk}" for row in rows]
    assert len({due for _key, due in items}) < len(items)  # there were ties to cut


def test_a_row_written_between_the_counts_and_the_rows_is_not_listed_beyond_its_count(
    milestones, department, monkeypatch
):
    # Inside a caller's transaction the two statements are not one snapshot: a milestone
    # that falls due between them is listed, and the count says so ("and -1 more" else).
    from notifications import item_queries

    read_rows = item_queries.first_rows

    def written_between(*args):
        late = Project.objects.filter(stage=Stage.SIGNED).first()
        late.pk, late.code = None, "MR-LATE"
        late.responsible_department = department
        late.planned_start_on = TODAY - datetime.timedelta(days=30)
        late.save()
        return read_rows(*args)

    monkeypatch.setattr(item_queries, "first_rows", written_between)
    with acting_for(milestones):
        query = next(iter(MilestoneDeadlines().open_queries(HORIZON)))
        groups = told(first_per_department(query, 100, TODAY))
    total, keys = next((n, items) for d, o, n, items in groups if d == department.pk and o)
    assert total == len(keys) and keys[0][0].startswith("project-start:")
    assert Project.objects.get(code="MR-LATE").pk == int(keys[0][0].split(":")[1])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_counts_and_the_rows_are_read_from_one_snapshot(milestones):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's isolation levels")
    with acting_for(milestones):
        query = next(iter(MilestoneDeadlines().open_queries(HORIZON)))
        with CaptureQueriesContext(connection) as queried:
            list(first_per_department(query, 4, TODAY))
    sql = [captured["sql"] for captured in queried]
    snapshot = next(i for i, text in enumerate(sql) if "REPEATABLE READ" in text)
    reads = [i for i, text in enumerate(sql) if text.startswith("SELECT")]
    assert len(reads) == 2 and snapshot < reads[0] and sql[-1] == "COMMIT", sql


def selects(queried):
    return [captured for captured in queried if captured["sql"].startswith("SELECT")]
