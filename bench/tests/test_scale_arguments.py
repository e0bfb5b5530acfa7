"""The bench by scale (issue 20): a scale names its sizes and its database; the load data
is spread over a tenant per synthetic city under the province tenants, every city-owned
row in its city's; and loading settles the statistics' tally table when it exists."""

from io import StringIO

import pytest
from django.db import connection
from django.db.models import F

from bench import scale as scales
from bench.generate_load_data import main, parse_arguments
from bench.load_data import generator
from projects.models import Project
from regions.models import Tenant
from tracker.models import Department, KeyTask, Official, WorkPoint

PROJECTS, UPDATES, TASKS = 120, 2, 40


def test_a_scale_names_its_sizes_and_its_database():
    assert scales.scale("100k") == scales.Scale("100k", 100_000, 10, 10_000, "tracker_bench")
    assert scales.scale("1M") == scales.Scale("1m", 1_000_000, 10, 100_000, "tracker_bench_1m")
    assert scales.database_url("1m") == "postgres://postgres@127.0.0.1:5432/tracker_bench_1m"
    assert scales.database_url("100k", "postgres://u@db:6432/").endswith("@db:6432/tracker_bench")
    with pytest.raises(scales.UnknownScale, match="100k, 1m"):
        scales.scale("10m")


def test_the_makefile_asks_for_the_database_url(capsys):
    scales.main(["1m", "--database-url"])
    assert capsys.readouterr().out.strip() == scales.database_url("1m")
    with pytest.raises(SystemExit):
        scales.main(["huge", "--database-url"])
    assert "choose one of" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "sizes"),
    [
        ([], (100_000, 10, 10_000)),
        (["--scale", "1m"], (1_000_000, 10, 100_000)),
        (["--scale", "1m", "--projects", "5", "--tasks", "0"], (5, 10, 0)),
    ],
)
def test_the_generator_takes_the_scales_sizes_unless_given(argv, sizes):
    args = parse_arguments(argv)
    assert (args.projects, args.updates_per_project, args.tasks) == sizes


def test_an_unknown_scale_is_refused(capsys):
    with pytest.raises(SystemExit):
        parse_arguments(["--scale", "2m"])
    assert "Unknown scale" in capsys.readouterr().err


@pytest.fixture
def loaded(db):
    sizes = ["--projects", str(PROJECTS), "--updates-per-project", str(UPDATES)]
    main([*sizes, "--tasks", str(TASKS)], stdout=StringIO(), stderr=StringIO())


def test_load_data_puts_every_city_owned_row_in_its_citys_tenant(loaded):
    cities = Tenant.objects.filter(name__startswith="合成")
    assert cities.count() == 25
    assert set(cities.values_list("kind", flat=True)) == {"city"}
    assert set(cities.values_list("parent__code", flat=True)) == {"130000", "370000"}
    assert set(cities.values_list("parent__kind", flat=True)) == {"province"}
    # Each tenant is its city's division code.
    assert all(
        len(code) == 6 and code[2:4] >= "71" for code in cities.values_list("code", flat=True)
    )
    projects = Project.objects.filter(code__startswith="LD-")
    assert projects.values("tenant").distinct().count() >= 10
    assert not projects.filter(tenant_id="371400").exists()
    # A row's city is the city of what it links to: the bureau, the county, the plan.
    assert not projects.exclude(tenant_id=F("responsible_department__tenant_id")).exists()
    assert not projects.exclude(tenant_id=F("host_division__parent__code")).exists()
    tasks = KeyTask.objects.filter(code__startswith="LT-")
    assert tasks.values("tenant").distinct().count() >= 10
    assert not tasks.exclude(tenant_id=F("lead_department__tenant_id")).exists()
    assert not tasks.exclude(tenant_id=F("work_point__tenant_id")).exists()
    departments = Department.objects.filter(name__startswith="合成")
    assert not departments.exclude(tenant_id=F("division__code")).exists()
    officials = Official.objects.filter(user__username__startswith="load-")
    assert not officials.exclude(tenant_id=F("department__tenant_id")).exists()
    assert (
        WorkPoint.objects.filter(title__startswith="合成").values("tenant").distinct().count() == 25
    )


def test_the_tally_is_exact_after_a_load(loaded):
    # On PostgreSQL the load writes with the tally's triggers off and rebuilds the cells
    # once (projects.tallies.rebuilt_after_bulk_load); on SQLite the triggers keep them.
    from projects.models import ProjectTally
    from projects.tallies import check

    assert ProjectTally.objects.filter(
        tenant_id__in=Tenant.objects.filter(name__startswith="合成").values("code")
    ).exists()
    assert check() == []


def test_replacing_load_data_removes_its_tenants_too(loaded):
    main(
        ["--projects", "3", "--updates-per-project", "1", "--tasks", "2", "--replace"],
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Tenant.objects.filter(name__startswith="合成").count() == 25
    assert Project.objects.filter(code__startswith="LD-").count() == 3


def test_settle_covers_the_tally_table_when_present(db):
    tables = generator.settled_tables()
    for table in ("projects_project", "projects_projectupdate", "tracker_keytask"):
        assert table in tables
    for tally in ("projects_projecttally", "tracker_tasktally"):
        present = tally in connection.introspection.table_names()
        assert (tally in tables) == present


def test_settle_names_only_tables_that_exist(db, monkeypatch):
    monkeypatch.setattr(generator, "MAINTAINED", ("projects_projecttally", "no_such_table"))
    assert "no_such_table" not in generator.settled_tables()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_loading_vacuums_the_tally_with_the_tables_it_filled():
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    tally = "projects_projecttally"
    if tally not in connection.introspection.table_names():
        pytest.skip("no tally table in this schema yet")

    def last_vacuum():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = %s", [tally]
            )
            return cursor.fetchone()[0]

    before = last_vacuum()
    sizes = ["--projects", "20", "--updates-per-project", "1", "--tasks", "5"]
    main(sizes, stdout=StringIO(), stderr=StringIO())
    assert last_vacuum() not in (None, before)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor is PostgreSQL's SQL")
def test_the_write_floor_writes_the_rows_the_api_writes(project, official_user):
    from decimal import Decimal

    from bench.writes import Floor
    from projects.models import ProjectUpdate

    connection.ensure_connection()
    raw = connection.connection  # Django's psycopg connection, inside the test transaction
    floor = Floor(raw)
    floor.write(raw, [project.pk, project.stage, Decimal("12.50")], official_user.pk, "2023-05-05")
    project.refresh_from_db()
    assert (project.version, project.funds_in_place) == (2, Decimal("12.50"))
    (report,) = ProjectUpdate.objects.filter(project=project)
    assert (report.author_id, str(report.reported_on)) == (official_user.pk, "2023-05-05")
    history = Project.history.filter(id=project.pk).latest("history_id")
    assert (history.version, history.history_user_id, history.history_type) == (
        2,
        official_user.pk,
        "~",
    )
    assert ProjectUpdate.history.filter(id=report.pk, history_type="+").count() == 1


def test_the_markdown_report_has_every_table():
    from bench import report

    timing = {"p50": 1.0, "p95": 2.0, "rps": 30.0}
    figures = {
        "scale": "100k",
        "reads": [
            {
                "read": "projects, page 1",
                "latency": timing,
                "throughput": timing,
                "sql": timing,
                "ratio_p95": 1.0,
                "city": timing,
                "province": timing,
            }
        ],
        "admin": [{"read": "admin: projects", "latency": timing, "throughput": timing}],
        "notifications": [
            {"run": "weekly digests", "seconds": 1.5, "emails": 9, "peak_rss_mb": 99}
        ],
        "writes": {
            "clients": 4,
            "seconds": 20,
            "api": {"reports": 4000, "per_second": 200.0, "p50": 15.0, "p95": 30.0},
            "sql": {"reports": 40000, "per_second": 2000.0, "p50": 1.5, "p95": 3.0},
            "ratio": 10.0,
            "api_root": {"reports": 6000, "per_second": 300.0, "p50": 12.0, "p95": 20.0},
        },
    }
    text = report.markdown(figures)
    for heading in ("| read |", "| admin read |", "| run |", "| writes (4 clients, 20 s each)"):
        assert heading in text
    assert "| API: POST a status report | 4,000 | 200 |" in text
    assert "| SQL ÷ API | | 10.0× |" in text
    assert "| ceiling: GET the API root, same token (requests) | 6,000 | 300 |" in text
