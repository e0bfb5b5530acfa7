"""One run of the generator: every kind of record in order, in one transaction."""

from dataclasses import dataclass, field

from django.db import connection, transaction

from fixtures.reference import load_reference
from projects.models import Project, ProjectUpdate
from projects.tallies import rebuilt_after_bulk_load
from regions.models import Division, Park
from tracker.models import Department, KeyTask, WorkPoint

from .markers import MAX_PROJECTS, MAX_TASKS, NAME_PREFIX, PROJECT_CODE_PREFIX
from .people import create_departments, create_officials
from .places import create_cities, create_counties, create_parks
from .projects import create_projects, read_reference
from .removal import load_data_present, remove_load_data
from .tasks import create_tasks, create_work_points
from .world import World, no_progress


class LoadDataPresent(Exception):
    """The database already holds load data from an earlier run."""


@dataclass
class LoadReport:
    # Rows written per kind; rows of the earlier run removed per kind (with ``replace``).
    counts: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)


def check_sizes(projects, updates_per_project, tasks):
    if not 0 <= projects <= MAX_PROJECTS:
        raise ValueError(f"projects must be between 0 and {MAX_PROJECTS:,}")
    if not 0 <= tasks <= MAX_TASKS:
        raise ValueError(f"tasks must be between 0 and {MAX_TASKS:,}")
    if updates_per_project < 0:
        raise ValueError("updates per project cannot be negative")


def generate(*, projects, updates_per_project, tasks, seed=2026, replace=False, progress=None):
    """Write the load data in one transaction. Returns a LoadReport.

    Raises LoadDataPresent if an earlier run's data is there and ``replace`` is false;
    with ``replace`` it is deleted first, in the same transaction.
    """
    check_sizes(projects, updates_per_project, tasks)
    world = World(seed=seed, progress=progress or no_progress)
    report = LoadReport()
    with transaction.atomic():
        if load_data_present():
            if not replace:
                raise LoadDataPresent(
                    "The database already holds load data (projects coded "
                    f"{PROJECT_CODE_PREFIX}…, divisions named {NAME_PREFIX}…)."
                )
            report.removed = remove_load_data()
        load_reference()
        for step in (
            create_cities,
            create_counties,
            create_parks,
            create_departments,
            create_officials,
            create_work_points,
            read_reference,
        ):
            step(world)
        with rebuilt_after_bulk_load():
            create_projects(world, projects, updates_per_project)
        create_tasks(world, tasks)
        report.counts = world.counts
    if connection.vendor == "postgresql":
        settle(settled_tables())
    return report


# What a run fills, and what triggers keep as the projects and key tasks are written (the
# statistics' tallies of issue 20, once their migrations have run).
FILLED = (Project, ProjectUpdate, KeyTask, WorkPoint, Division, Park, Department)
MAINTAINED = ("projects_projecttally", "tracker_tasktally")


def settled_tables():
    """The tables a run changed: those it fills, and the maintained ones present."""
    present = set(connection.introspection.table_names())
    return [model._meta.db_table for model in FILLED] + [t for t in MAINTAINED if t in present]


def settle(tables):
    """Fresh statistics, so that benchmarks right after loading get real plans, and, from
    the command line, a VACUUM: without one (and with autovacuum off, as on the machines
    issue 20 measured) the visibility map stays empty and a read of deep pages cannot use
    an index-only scan, which made a fresh bench twice as slow. VACUUM cannot run inside
    a transaction, so a caller already in one (a test) gets ANALYZE alone."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
