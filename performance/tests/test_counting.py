"""The counting rules (performance.counting; docs/targets.md, "The counting rules")."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from performance import counting
from performance.counting import Measure, Unit, actuals, headline, units
from projects.choices import Stage
from projects.models import Project, ProjectUpdate
from projects.services import record_project_update, save_project
from regions.choices import DivisionLevel
from regions.models import Division
from tracker.models import Department

D = datetime.date
MARCH = (D(2023, 3, 1), D(2023, 3, 31))
APRIL = (D(2023, 4, 1), D(2023, 4, 30))
YEAR = (D(2023, 1, 1), D(2023, 12, 31))


def moment(day):
    """Noon of ``day`` in Asia/Shanghai: when a history record is taken to be written."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def report(project, day, stage, funds=0):
    return record_project_update(
        project=project, reported_on=day, stage=stage, funds_in_place=Decimal(funds)
    )


def edit(project, day, **changes):
    """Change a project as an official would on ``day`` (its history dated that day)."""
    project.refresh_from_db()
    for name, value in changes.items():
        setattr(project, name, value)
    project._history_date = moment(day)
    save_project(project)
    return project


@pytest.fixture
def make_project(lingcheng, beijing, department):
    made = []

    def make(created=None, **fields):
        values = {
            "code": f"T-{len(made) + 1:03d}",
            "name": f"测试项目{len(made) + 1}",
            "investor": "北京某科技有限公司",
            "origin": beijing,
            "host_division": lingcheng,
            "responsible_department": department,
            "year": 2023,
            "total_investment": Decimal("20000"),
            **fields,
        }
        project = Project(**values)
        project._history_date = moment(created or D(2023, 1, 2))
        made.append(save_project(project))
        return project

    return make


def county(unit_id, start, end):
    return actuals(Unit.COUNTY, start, end)[unit_id]


# --- rule 1: a project counts once, in the period it reaches a stage -------------------


def test_a_stage_counts_in_the_period_it_is_reached_and_only_once(make_project, lingcheng):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.SIGNED)
    report(project, D(2023, 4, 5), Stage.UNDER_CONSTRUCTION, 1000)
    report(project, D(2023, 4, 20), Stage.UNDER_CONSTRUCTION, 1500)  # no new start

    march, april = county(lingcheng.pk, *MARCH), county(lingcheng.pk, *APRIL)
    assert (march[Measure.SIGNED], march[Measure.STARTED]) == (1, 0)
    assert (april[Measure.SIGNED], april[Measure.STARTED]) == (0, 1)
    year = county(lingcheng.pk, *YEAR)
    assert (year[Measure.SIGNED], year[Measure.STARTED], year[Measure.PRODUCING]) == (1, 1, 0)


def test_period_boundaries_are_both_included(make_project, lingcheng):
    make_project(signed_on=D(2023, 3, 1), stage=Stage.SIGNED)
    make_project(signed_on=D(2023, 3, 31), stage=Stage.SIGNED)
    make_project(signed_on=D(2023, 4, 1), stage=Stage.SIGNED)
    make_project(signed_on=D(2023, 2, 28), stage=Stage.SIGNED)

    assert county(lingcheng.pk, *MARCH)[Measure.SIGNED] == 2
    assert county(lingcheng.pk, *APRIL)[Measure.SIGNED] == 1
    assert county(lingcheng.pk, D(2023, 3, 31), D(2023, 4, 1))[Measure.SIGNED] == 2


def test_a_dropped_project_still_counts_for_the_stage_it_reached(make_project, lingcheng):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.SIGNED)
    report(project, D(2023, 4, 2), Stage.DROPPED)

    assert county(lingcheng.pk, *MARCH)[Measure.SIGNED] == 1
    assert county(lingcheng.pk, *YEAR)[Measure.SIGNED] == 1
    assert county(lingcheng.pk, *APRIL)[Measure.SIGNED] == 0


def test_a_project_skipping_stages_counts_each_stage_it_passed(make_project, lingcheng):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.IN_OPERATION, 500)

    march = county(lingcheng.pk, *MARCH)
    assert (march[Measure.SIGNED], march[Measure.STARTED], march[Measure.PRODUCING]) == (1, 1, 1)


# --- rule 2: funds in place from dated reports, cumulative ------------------------------


def test_funds_that_arrived_are_the_growth_of_the_latest_report(make_project, lingcheng):
    project = make_project()
    report(project, D(2023, 2, 20), Stage.SIGNED, 0)
    report(project, D(2023, 3, 10), Stage.UNDER_CONSTRUCTION, 100)
    report(project, D(2023, 4, 5), Stage.UNDER_CONSTRUCTION, 300)
    report(project, D(2023, 4, 20), Stage.UNDER_CONSTRUCTION, 350)
    report(project, D(2023, 5, 3), Stage.UNDER_CONSTRUCTION, 350)

    assert county(lingcheng.pk, *MARCH)[Measure.FUNDS] == Decimal("100.00")
    assert county(lingcheng.pk, *APRIL)[Measure.FUNDS] == Decimal("250.00")
    assert county(lingcheng.pk, D(2023, 5, 1), D(2023, 5, 31))[Measure.FUNDS] == Decimal("0.00")
    assert county(lingcheng.pk, *YEAR)[Measure.FUNDS] == Decimal("350.00")
    # The project's own figure is not what counts: only dated reports do.
    Project.objects.filter(pk=project.pk).update(funds_in_place=Decimal("9999"))
    assert county(lingcheng.pk, *YEAR)[Measure.FUNDS] == Decimal("350.00")


def test_two_reports_on_one_day_count_the_later(make_project, lingcheng):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.UNDER_CONSTRUCTION, 100)
    report(project, D(2023, 3, 10), Stage.UNDER_CONSTRUCTION, 180)

    assert county(lingcheng.pk, *MARCH)[Measure.FUNDS] == Decimal("180.00")


def test_a_correction_lowers_the_period_it_falls_in(make_project, lingcheng):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.UNDER_CONSTRUCTION, 400)
    ProjectUpdate.objects.create(
        project=project,
        reported_on=D(2023, 4, 12),
        stage=Stage.UNDER_CONSTRUCTION,
        funds_in_place=Decimal("320"),
        is_correction=True,
        note="更正：重复统计了80万元",
    )

    assert county(lingcheng.pk, *MARCH)[Measure.FUNDS] == Decimal("400.00")
    assert county(lingcheng.pk, *APRIL)[Measure.FUNDS] == Decimal("-80.00")
    assert county(lingcheng.pk, *YEAR)[Measure.FUNDS] == Decimal("320.00")


# --- rule 3: moves and investor changes: one project, counted at the period's end ------


def test_a_project_that_moves_county_counts_once_where_it_was_at_the_end(
    make_project, lingcheng, decheng
):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.SIGNED)
    report(project, D(2023, 3, 20), Stage.UNDER_CONSTRUCTION, 200)
    edit(project, D(2023, 6, 15), host_division=decheng)

    march = actuals(Unit.COUNTY, *MARCH)
    assert march[lingcheng.pk][Measure.SIGNED] == 1 and march[decheng.pk][Measure.SIGNED] == 0
    year = actuals(Unit.COUNTY, *YEAR)
    assert year[lingcheng.pk][Measure.SIGNED] == 0 and year[decheng.pk][Measure.SIGNED] == 1
    assert year[decheng.pk][Measure.FUNDS] == Decimal("200.00")
    assert sum(row[Measure.STARTED] for row in year.values()) == 1
    assert headline(*YEAR).started == 1


def test_a_project_that_changes_department_counts_once(make_project, department, other_department):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.SIGNED)
    edit(project, D(2023, 7, 1), responsible_department=other_department)

    march = actuals(Unit.DEPARTMENT, *MARCH)
    year = actuals(Unit.DEPARTMENT, *YEAR)
    assert march[department.pk][Measure.SIGNED] == 1
    assert march[other_department.pk][Measure.SIGNED] == 0
    assert year[department.pk][Measure.SIGNED] == 0
    assert year[other_department.pk][Measure.SIGNED] == 1


def test_an_investor_change_is_the_same_project(make_project, lingcheng):
    project = make_project()
    report(project, D(2023, 3, 10), Stage.SIGNED)
    report(project, D(2023, 4, 10), Stage.UNDER_CONSTRUCTION, 100)
    edit(project, D(2023, 5, 2), investor="北京另一家科技有限公司")

    year = headline(*YEAR)
    assert (year.signed, year.started, year.jjj_started) == (1, 1, 1)
    assert county(lingcheng.pk, *YEAR)[Measure.SIGNED] == 1


def test_without_history_at_the_date_the_earliest_record_then_the_row_decide(
    make_project, lingcheng, decheng
):
    # Recorded in the tracker only in 2024, with its 2023 dates: its first record counts.
    late = make_project(created=D(2024, 2, 1), signed_on=D(2023, 3, 5), stage=Stage.SIGNED)
    edit(late, D(2024, 5, 1), host_division=decheng)
    # Written without history (a bulk load): the row as it is now counts.
    Project.objects.bulk_create(
        [
            Project(
                code="BULK-1",
                name="批量导入项目",
                host_division=decheng,
                responsible_department=late.responsible_department,
                year=2023,
                stage=Stage.SIGNED,
                signed_on=D(2023, 3, 6),
            )
        ]
    )

    march = actuals(Unit.COUNTY, *MARCH)
    assert march[lingcheng.pk][Measure.SIGNED] == 1
    assert march[decheng.pk][Measure.SIGNED] == 1


# --- rule 4: a capital increase adds to the same project --------------------------------


def test_a_capital_increase_adds_funds_not_projects(make_project, lingcheng):
    project = make_project(total_investment=Decimal("8000"))
    report(project, D(2023, 3, 10), Stage.UNDER_CONSTRUCTION, 5000)
    edit(project, D(2023, 6, 1), total_investment=Decimal("12000"))
    ProjectUpdate.objects.create(
        project=project,
        reported_on=D(2023, 6, 1),
        stage=Stage.UNDER_CONSTRUCTION,
        funds_in_place=Decimal("9000"),
        capital_increase=Decimal("4000"),
        note="增资4000万元",
    )

    june = county(lingcheng.pk, D(2023, 6, 1), D(2023, 6, 30))
    assert june[Measure.FUNDS] == Decimal("4000.00")
    assert (june[Measure.SIGNED], june[Measure.STARTED]) == (0, 0)
    year = headline(*YEAR)
    assert year.started == 1 and year.funds_in_place == Decimal("9000.00")
    # Over 1 亿元 by the year's end (after the increase), not yet at the end of March.
    assert year.jjj_started == 1 and year.jjj_started_funds == Decimal("9000.00")
    assert headline(*MARCH).jjj_started == 0


# --- rule 5: the Beijing-Tianjin-Hebei measure -------------------------------------------


def test_jjj_projects_come_from_the_three_provinces_over_the_threshold(
    make_project, lingcheng, settings
):
    hebei = Division.objects.create(code="130000", name="河北省", level=DivisionLevel.PROVINCE)
    cangzhou = Division.objects.create(
        code="130900", name="沧州市", level=DivisionLevel.PREFECTURE_CITY, parent=hebei
    )
    shanghai = Division.objects.create(code="310000", name="上海市", level=DivisionLevel.PROVINCE)
    started = {"stage": Stage.UNDER_CONSTRUCTION, "signed_on": D(2023, 2, 1)}
    make_project(origin=cangzhou, started_on=D(2023, 3, 5), **started)  # counts
    make_project(total_investment=Decimal("10000"), started_on=D(2023, 3, 6), **started)  # counts
    make_project(total_investment=Decimal("9999.99"), started_on=D(2023, 3, 7), **started)
    make_project(origin=shanghai, started_on=D(2023, 3, 8), **started)
    make_project(origin=None, started_on=D(2023, 3, 9), **started)
    make_project(started_on=D(2023, 4, 9), **started)  # another period

    march = county(lingcheng.pk, *MARCH)
    assert march[Measure.STARTED] == 5
    assert march[Measure.JJJ] == 2
    settings.TRACKER_COUNTED_MIN_INVESTMENT = Decimal("9000")
    assert county(lingcheng.pk, *MARCH)[Measure.JJJ] == 3


# --- units, the headline, duplicates under review ----------------------------------------


def test_units_are_the_citys_counties_and_its_departments_with_work(
    dezhou, lingcheng, decheng, department, other_department, make_project
):
    from performance.models import Target

    langfang = Division.objects.create(
        code="131000", name="廊坊市", level=DivisionLevel.PREFECTURE_CITY
    )
    Division.objects.create(
        code="131022", name="固安县", level=DivisionLevel.COUNTY, parent=langfang
    )
    idle = Department.objects.create(name="德州市档案馆", short_name="档案馆", division=dezhou)
    targeted = Department.objects.create(name="德州市体育局", short_name="体育局", division=dezhou)
    away = Department.objects.create(name="廊坊市商务局", short_name="廊坊商务", division=langfang)
    Target.objects.create(year=2023, department=targeted, signed_projects=3)
    make_project()
    make_project(responsible_department=away)

    counties = units(Unit.COUNTY, 2023)
    assert [(u.name, u.code) for u in counties] == [("德城区", "371402"), ("陵城区", "371403")]
    names = [u.name for u in units(Unit.DEPARTMENT, 2023)]
    assert names == sorted([department.name, targeted.name])
    assert idle.name not in names and away.name not in names and other_department.name not in names
    assert all(u.code == "" for u in units(Unit.DEPARTMENT, 2023))
    # Every unit has every measure, zero when nothing happened.
    empty = actuals(Unit.COUNTY, *MARCH)[decheng.pk]
    assert empty == {m.value: (Decimal("0.00") if m == Measure.FUNDS else 0) for m in Measure}


def test_the_headline_counts_the_citys_projects_only(make_project, department):
    langfang = Division.objects.create(
        code="131000", name="廊坊市", level=DivisionLevel.PREFECTURE_CITY
    )
    guan = Division.objects.create(
        code="131022", name="固安县", level=DivisionLevel.COUNTY, parent=langfang
    )
    started = {"stage": Stage.UNDER_CONSTRUCTION, "signed_on": D(2023, 2, 1)}
    make_project(started_on=D(2023, 3, 5), **started)
    make_project(host_division=guan, started_on=D(2023, 3, 5), **started)

    figures = headline(*MARCH)
    assert (figures.started, figures.jjj_started) == (1, 1)
    assert (figures.start, figures.end) == MARCH


def test_counts_say_how_many_counted_projects_are_under_review(make_project, monkeypatch):
    counted = make_project(signed_on=D(2023, 3, 5), stage=Stage.SIGNED)
    elsewhere = make_project(signed_on=D(2023, 8, 5), stage=Stage.SIGNED)
    asked = []

    def under_review(project_ids, as_of=None):
        asked.append((set(project_ids), as_of))
        return {counted.pk, elsewhere.pk} & set(project_ids)

    monkeypatch.setattr(counting, "under_review", under_review)
    assert headline(*MARCH).under_review == 1
    assert asked == [({counted.pk}, MARCH[1])]
    assert headline(*YEAR).under_review == 2


def test_unknown_units_are_refused(db):
    with pytest.raises(ValueError):
        actuals("province", *MARCH)
    with pytest.raises(ValueError):
        units("province", 2023)


# --- speed: a few queries, whatever the number of projects -------------------------------


def query_counts():
    """How many queries each figure takes, with what it answers."""
    with CaptureQueriesContext(connection) as by_county:
        figures = actuals(Unit.COUNTY, *YEAR)
    with CaptureQueriesContext(connection) as by_department:
        actuals(Unit.DEPARTMENT, *YEAR)
    with CaptureQueriesContext(connection) as city:
        funds = headline(*YEAR).funds_in_place
    signed = sum(row[Measure.SIGNED] for row in figures.values())
    return (len(by_county), len(by_department), len(city)), signed, funds


def test_the_figures_take_a_few_queries_whatever_the_size(make_project):
    def add(how_many):
        for index in range(how_many):
            project = make_project(signed_on=D(2023, 3, 1 + index % 28), stage=Stage.SIGNED)
            ProjectUpdate.objects.create(
                project=project, reported_on=D(2023, 3, 2), stage=Stage.SIGNED, funds_in_place=10
            )
            edit(project, D(2023, 3, 20), investor=f"投资方{project.pk}")

    add(3)
    few, signed, funds = query_counts()
    assert (signed, funds) == (3, Decimal("30.00"))
    add(27)
    many, signed, funds = query_counts()
    assert (signed, funds) == (30, Decimal("300.00"))
    assert many == few
    # Units and the figures (a savepoint around them, and on PostgreSQL one SET LOCAL);
    # the headline also asks projects.duplicates.under_review.
    assert few[0] <= 6 and few[1] <= 6 and few[2] <= 9
