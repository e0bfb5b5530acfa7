"""Reports written at once by many threads keep the project tally exact and never deadlock
on its cells (PostgreSQL: the triggers lock cells in one order; projects.tallies)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from projects.models import Project, ProjectTally
from projects.services import record_project_update
from projects.tallies import check

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 8
DAY = datetime.date(2023, 6, 1)


def at_once(work):
    """Run ``work(n)`` for n in range(THREADS) in threads started together."""
    barrier = threading.Barrier(THREADS)
    errors = []

    def run(n):
        try:
            barrier.wait()
            work(n)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_concurrent_reports_keep_the_tally_exact(project, department):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    # Eight more projects in the shared project's cells (tenant, year, stage, county...).
    own = [
        Project.objects.create(
            code=f"DZ-2023-1{n:02}",
            name=f"并发项目{n}",
            host_division=project.host_division,
            responsible_department=department,
            year=2023,
            total_investment=Decimal("1000"),
        )
        for n in range(THREADS)
    ]

    def work(n):
        stages = ["signed", "under_construction", "in_operation"]
        for step, stage in enumerate(stages, start=1):
            # Its own project moves on: old cells down, new ones up, in one statement.
            record_project_update(
                project=Project.objects.get(pk=own[n].pk),
                reported_on=DAY,
                stage=stage,
                funds_in_place=Decimal(step * 10 + n),
            )
            # The shared project: every thread adds capital to the same cells.
            record_project_update(
                project=Project.objects.get(pk=project.pk),
                reported_on=DAY,
                stage="lead",
                funds_in_place=Decimal("0"),
                capital_increase=Decimal("1.25"),
            )

    assert at_once(work) == []
    assert check() == []
    all_years = ProjectTally.objects.filter(dim="", year=0)
    cells = {row.stage: row for row in all_years}
    assert cells["in_operation"].projects == THREADS
    assert cells["in_operation"].funds_in_place_cents == sum(3000 + n * 100 for n in range(8))
    assert cells["lead"].projects == 1
    assert cells["lead"].total_investment_cents == (52000 + 3 * THREADS * Decimal("1.25")) * 100
