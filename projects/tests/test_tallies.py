"""ProjectTally stays exact whatever writes the projects: services, ``update()``,
``bulk_create``, deletes and their cascades, division re-parenting, and on PostgreSQL
``COPY`` and ``TRUNCATE`` (the triggers of projects.tallies)."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from config.tests.tenant_world import HEBEI, LANGFANG, SHIJIAZHUANG, new_department, tenants
from core.tenancy import acting_for
from projects.choices import Stage
from projects.models import IndustryChain, Project, ProjectTally
from projects.services import record_project_update
from projects.tallies import check
from regions.models import Division, Park

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 6, 1)


def exact():
    found = check()
    assert found == [], found[:5]


def cell(dim="", year=0, key="", **filters):
    rows = ProjectTally.objects.filter(dim=dim, year=year, key=key, **filters)
    return sorted(rows.values_list("stage", "projects", "funds_in_place_cents"))


def test_a_new_project_is_counted_in_every_dim_and_in_all_years(project, beijing):
    assert cell() == [("lead", 1, 0)]
    assert cell(year=2023) == [("lead", 1, 0)]
    assert cell("origin_province", key=str(beijing.pk)) == [("lead", 1, 0)]
    assert cell("host_division", 2023, str(project.host_division_id)) == [("lead", 1, 0)]
    assert cell("park") == [("lead", 1, 0)]  # no park: key ""
    both = f"{beijing.pk}|{project.host_division_id}"
    assert cell("origin_province+host_division", key=both) == [("lead", 1, 0)]
    row = ProjectTally.objects.get(dim="", year=2023)
    assert row.total_investment_cents == 5_200_000
    exact()
    project.delete()
    assert not ProjectTally.objects.exists()
    exact()


def test_reports_move_money_and_stage(project, official_user):
    record_project_update(
        project=project,
        reported_on=DAY,
        stage="lead",
        funds_in_place=Decimal("0.10"),
        author=official_user,
    )
    assert cell(year=2023) == [("lead", 1, 10)]
    exact()
    project.refresh_from_db()
    record_project_update(
        project=project,
        reported_on=DAY,
        stage=Stage.SIGNED,
        funds_in_place=Decimal("12.35"),
        author=official_user,
    )
    # The lead cells reached zero and are gone: cells list only what exists.
    assert cell(year=2023) == [("signed", 1, 1235)]
    assert cell("signed_month", 2023, "2023-06") == [("signed", 1, 1235)]
    exact()


def test_edits_move_the_project_between_cells(project, decheng, other_department, beijing):
    chain = IndustryChain.objects.create(name="新一代电子信息", group="local")
    park = Park.objects.create(
        name="德州经开区", kind="national_development_zone", division=decheng
    )
    hebei = Division.objects.create(code="130000", name="河北省", level="province")
    edits = [
        {"host_division": decheng},
        {"park": park},
        {"industry_chain": chain},
        {"responsible_department": other_department},
        {"base_function": "industry_transfer"},
        {"year": 2024},
        {"origin": hebei},
        {"origin": None},
        {"total_investment": Decimal("99999999.99")},
        {"signed_on": datetime.date(2024, 2, 29)},
    ]
    for change in edits:
        for name, value in change.items():
            setattr(project, name, value)
        project.save()
        exact()
    assert cell("park", 2024, str(park.pk)) == [("lead", 1, 0)]
    assert cell("base_function", key="industry_transfer") == [("lead", 1, 0)]
    assert cell("origin_province") == [("lead", 1, 0)]  # origin cleared: key ""
    assert not ProjectTally.objects.filter(year=2023).exists()


def test_update_bulk_create_and_cascading_deletes(project, other_project, department):
    tenants()
    Project.objects.filter(pk=project.pk).update(tenant_id=LANGFANG, stage=Stage.SIGNED)
    exact()
    assert cell(tenant_id=LANGFANG) == [("signed", 1, 0)]
    Project.objects.update(funds_in_place=Decimal("5.5"))
    exact()
    Project.objects.bulk_create(
        Project(
            code=f"BULK-{n}",
            name=f"批量{n}",
            host_division=project.host_division,
            responsible_department=department,
            year=2020 + n % 3,
            total_investment=Decimal(n),
            is_demo=True,
        )
        for n in range(30)
    )
    exact()
    assert sum(cell(year=0, tenant_id="371400")[0][1:2]) == 31
    # A project goes with its reports and problems (remove_demo's way: a queryset delete).
    Project.objects.filter(is_demo=True).delete()
    exact()
    assert cell(tenant_id="371400") == [("lead", 1, 550)]


def test_reparenting_a_division_moves_its_investors_province(project, beijing, dezhou):
    shandong = dezhou.parent
    project.origin = dezhou
    project.save()
    assert cell("origin_province", key=str(shandong.pk)) == [("lead", 1, 0)]
    dezhou.parent = beijing
    dezhou.save()
    exact()
    assert cell("origin_province", key=str(beijing.pk)) == [("lead", 1, 0)]
    Division.objects.filter(pk=shandong.pk).update(level="prefecture_city")
    Division.objects.filter(pk=dezhou.pk).update(parent=shandong)
    exact()
    # Now dezhou's parent is no province: the grouping's Case reads its grandparent (none).
    assert cell("origin_province") == [("lead", 1, 0)]


def test_check_tallies_finds_and_repairs_a_drift(project):
    ProjectTally.objects.filter(dim="park").update(projects=7)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_tallies", stdout=out)
    assert "counted (1, 5200000, 0), stored (7, 5200000, 0)" in out.getvalue()
    call_command("check_tallies", "--tenant", "371400", "--repair", stdout=io.StringIO())
    exact()
    call_command("check_tallies", stdout=io.StringIO())  # clean: no exit


def test_the_check_task_reports_differences(project):
    from projects.tasks import check_tallies

    assert check_tallies() == 0
    ProjectTally.objects.filter(dim="").delete()
    assert check_tallies() == 2  # the "" cells of 2023 and of all years, missing


def test_a_seeded_random_walk_keeps_the_tally_exact(department, lingcheng, decheng, beijing):
    tenants()
    rng = random.Random(20)
    with acting_for(LANGFANG):
        lf = new_department("廊坊市商务局", "商务局")
    with acting_for(SHIJIAZHUANG):
        sjz = new_department("石家庄市商务局", "商务局")
    hebei = Division.objects.get(code=HEBEI)
    places = [None, beijing, hebei, *Division.objects.filter(level="county")]
    chains = [None, *(IndustryChain.objects.create(name=f"链{n}", group="local") for n in range(3))]
    tenants_of = {"371400": department, LANGFANG: lf, SHIJIAZHUANG: sjz}
    stages = [s.value for s in Stage]
    made = 0
    for step in range(1, 201):
        projects = list(Project.objects.all())
        action = rng.random()
        if action < 0.35 or not projects:
            made += 1
            tenant = rng.choice(list(tenants_of))
            Project.objects.create(
                code=f"W-{made}",
                name=f"项目{made}",
                tenant_id=tenant,
                host_division=rng.choice([lingcheng, decheng]),
                origin=rng.choice(places),
                industry_chain=rng.choice(chains),
                responsible_department=tenants_of[tenant],
                year=rng.choice([2022, 2023, 2024]),
                stage=rng.choice(stages),
                signed_on=rng.choice([None, datetime.date(2023, rng.randint(1, 12), 3)]),
                total_investment=Decimal(rng.randint(0, 10**6)) / 100,
            )
        elif action < 0.75:
            row = rng.choice(projects)
            row.stage = rng.choice(stages)
            row.funds_in_place = Decimal(rng.randint(0, 10**5)) / 100
            row.year = rng.choice([row.year, 2025])
            row.origin = rng.choice(places)
            row.save()
        elif action < 0.85:
            ids = [p.pk for p in rng.sample(projects, min(3, len(projects)))]
            Project.objects.filter(pk__in=ids).update(
                stage=rng.choice(stages), industry_chain=rng.choice(chains)
            )
        else:
            rng.choice(projects).delete()
        if step % 25 == 0:
            exact()
    assert Project.objects.count() > 10


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("COPY and TRUNCATE are PostgreSQL's")


def test_copy_and_truncate_keep_the_tally(postgres_only, project):
    columns = (
        "tenant_id, code, name, investor, investor_credit_code, host_division_id,"
        " responsible_department_id, year, stage, total_investment, funds_in_place,"
        " base_function, is_key, description, is_demo, version, reporting_cycle,"
        " created_at, updated_at"
    )
    now = "2023-06-01 00:00:00+00"
    lines = "".join(
        f"371400\tC-{n}\t复制{n}\t\t\t{project.host_division_id}\t"
        f"{project.responsible_department_id}\t2022\tsigned\t{n}.25\t0\t\tf\t\tf\t1\tdefault\t{now}\t{now}\n"
        for n in range(500)
    )
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY projects_project ({columns}) FROM STDIN") as copy:
            copy.write(lines)
        exact()
        assert cell(year=2022) == [("signed", 500, 0)]
        # The COPY's deferred foreign key checks first: TRUNCATE refuses pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE projects_project CASCADE")
    assert not ProjectTally.objects.exists()
    exact()


def test_beat_checks_the_tally_every_night_on_the_bulk_queue(db):
    from celery import current_app
    from django_celery_beat.models import PeriodicTask

    from projects.tasks import check_tallies

    scheduled = PeriodicTask.objects.get(task=check_tallies.name)
    assert (scheduled.crontab.hour, scheduled.crontab.minute) == ("3", "30")
    assert scheduled.enabled
    route = current_app.amqp.router.route({}, check_tallies.name)
    assert route["queue"].name == "bulk"
