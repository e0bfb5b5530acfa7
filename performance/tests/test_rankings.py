"""The ranking formula with hand-computed expectations: rates, weights, the cap, missing
targets, the discipline part, ties, the red and black lists, the previous rank, and the
settings in force at a past date."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from performance.counting import Unit, UnitRef
from performance.discipline import Discipline
from performance.models import RankingSettings, Target
from performance.periods import PeriodKind, period_of
from performance.rankings import (
    RankingRow,
    discipline_part,
    mark_lists,
    rank,
    ranking,
    rates_of,
    score_of,
    settings_at,
    targets_part,
)
from projects.models import Project
from regions.choices import DivisionLevel
from regions.models import Division
from tracker.models import Department

D = datetime.date
DEFAULTS = RankingSettings()
NOVEMBER = period_of(PeriodKind.MONTH, D(2023, 11, 15))


def figures(signed=0, started=0, producing=0, funds="0.00", jjj=0):
    return {
        "signed": signed,
        "started": started,
        "producing": producing,
        "funds_in_place": Decimal(funds),
        "jjj_projects": jjj,
    }


def goals(**values):
    return {measure: values.get(measure) for measure in figures()}


def test_rates_are_year_to_date_over_target_with_4_decimals_none_without_target():
    rates = rates_of(
        figures(signed=2, started=1, funds="1234.50"),
        goals(signed=3, started=0, funds_in_place=Decimal("10000.00")),
    )
    assert rates == {
        "signed": Decimal("0.6667"),
        "started": None,  # a target of 0 is no target
        "producing": None,
        "funds_in_place": Decimal("0.1235"),
        "jjj_projects": None,
    }


def test_targets_part_weighs_the_capped_rates_of_the_measures_with_a_target():
    rates = {
        "signed": Decimal("0.5000"),
        "started": Decimal("2.0000"),  # capped at 1.20
        "producing": None,
        "funds_in_place": Decimal("1.0000"),
        "jjj_projects": None,
    }
    # (20 × 0.5 + 20 × 1.2 + 30 × 1.0) / (20 + 20 + 30) = 64 / 70
    assert targets_part(rates, DEFAULTS) == Decimal(64) / Decimal(70)
    assert targets_part(dict.fromkeys(rates), DEFAULTS) is None


def test_discipline_part_is_the_on_time_rate_less_the_penalty_floored_at_zero():
    assert discipline_part(Discipline(owed=4, on_time=3, overdue_tasks=2), DEFAULTS) == Decimal(
        "0.55"
    )  # 0.75 - 2 × 10 / 100
    assert discipline_part(Discipline(owed=4, on_time=1, overdue_tasks=5), DEFAULTS) == 0
    assert discipline_part(Discipline(overdue_tasks=1), DEFAULTS) == Decimal("0.9")
    assert discipline_part(Discipline(), DEFAULTS) is None  # nothing owed, nothing overdue
    assert discipline_part(None, DEFAULTS) is None  # a county


def test_score_leaves_a_missing_part_out_of_the_denominator():
    # 100 × (80 × 0.625 + 20 × 0.55) / 100
    assert score_of(Decimal("0.625"), Decimal("0.55"), DEFAULTS) == Decimal("61.00")
    assert score_of(Decimal("0.625"), None, DEFAULTS) == Decimal("62.50")
    assert score_of(None, Decimal("0.55"), DEFAULTS) == Decimal("55.00")
    assert score_of(None, None, DEFAULTS) is None
    assert score_of(Decimal(2) / 3, None, DEFAULTS) == Decimal("66.67")  # half up


def row(name, score, scored=True, unit_id=None):
    unit = UnitRef(unit_id or abs(hash(name)) % 10000, name, "")
    return RankingRow(unit, {}, {}, {}, {}, None, None, Decimal(score), scored=scored)


def test_ties_share_a_rank_and_are_ordered_by_name():
    rows = rank([row("丙", "70"), row("乙", "90"), row("甲", "90"), row("丁", "50")])
    assert [(r.unit.name, r.rank) for r in rows] == [("乙", 1), ("甲", 1), ("丙", 3), ("丁", 4)]


def test_red_and_black_lists_by_place_and_threshold():
    rows = rank(
        [
            row("a", "95"),
            row("b", "85"),
            row("c", "79.99"),  # third place, below the red score
            row("d", "65"),
            row("e", "59.99"),
            row("f", "40"),
            row("g", "40"),
            row("h", "30"),
            row("z", "0", scored=False),  # nothing to score on: on no list
        ]
    )
    listed = {r.unit.name: r.listed for r in mark_lists(rows, DEFAULTS)}
    assert listed == {
        "a": "red",
        "b": "red",
        "c": "",
        "d": "",
        "e": "",  # fourth from the bottom: f and g share the second place from it
        "f": "black",
        "g": "black",
        "h": "black",
        "z": "",
    }


def test_a_unit_is_never_on_both_lists():
    settings = RankingSettings(red_list_min_score=Decimal("10"), black_list_max_score=Decimal(90))
    rows = mark_lists(rank([row("a", "50"), row("b", "20")]), settings)
    assert [r.listed for r in rows] == ["red", "red"]


# --- the whole ranking, on real projects, targets and settings --------------------------


def county(dezhou, code, name, level=DivisionLevel.COUNTY):
    return Division.objects.create(code=code, name=name, level=level, parent=dezhou)


def signed(division, n, on, started_on=None):
    Project.objects.create(
        responsible_department=Department.objects.order_by("pk").first(),
        code=f"DZ-{division.code}-{n}",
        name=f"项目{n}",
        host_division=division,
        year=on.year,
        stage="under_construction" if started_on else "signed",
        signed_on=on,
        started_on=started_on,
        total_investment=Decimal("5000"),
    )


@pytest.fixture
def counties(db, dezhou, lingcheng, department):
    decheng = county(dezhou, "371402", "德城区", DivisionLevel.DISTRICT)
    yucheng = county(dezhou, "371482", "禹城市", DivisionLevel.COUNTY_LEVEL_CITY)
    wucheng = county(dezhou, "371428", "武城县")  # no target: nothing to score on
    Target.objects.create(year=2023, division=lingcheng, signed_projects=4, started_projects=4)
    Target.objects.create(year=2023, division=decheng, signed_projects=2)
    Target.objects.create(year=2023, division=yucheng, signed_projects=1, started_projects=0)
    signed(lingcheng, 1, D(2023, 10, 9))
    signed(lingcheng, 2, D(2023, 11, 10), started_on=D(2023, 11, 20))
    signed(lingcheng, 3, D(2023, 11, 10))
    signed(decheng, 1, D(2023, 2, 1))
    signed(decheng, 2, D(2023, 3, 1))
    signed(decheng, 3, D(2023, 11, 1))
    signed(yucheng, 1, D(2023, 10, 20))
    signed(wucheng, 1, D(2022, 12, 30))  # last year: counts for nobody this year
    return {"陵城区": lingcheng, "德城区": decheng, "禹城市": yucheng, "武城县": wucheng}


def test_a_county_ranking_by_hand(counties):
    result = ranking(NOVEMBER, Unit.COUNTY)
    rows = {r.unit.name: r for r in result.rows}
    # 德城区: 3 of 2 signed, capped at 1.20 → 120.00. 禹城市: 1 of 1 → 100.00.
    # 陵城区: 3 of 4 signed, 1 of 4 started → (20 × 0.75 + 20 × 0.25) / 40 → 50.00.
    assert [(r.unit.name, r.score, r.rank) for r in result.rows] == [
        ("德城区", Decimal("120.00"), 1),
        ("禹城市", Decimal("100.00"), 2),
        ("陵城区", Decimal("50.00"), 3),
        ("武城县", Decimal("0.00"), 4),
    ]
    assert rows["陵城区"].rate["signed"] == Decimal("0.7500")
    assert rows["陵城区"].year_to_date["signed"] == 3 and rows["陵城区"].in_period["signed"] == 2
    assert rows["陵城区"].target["started"] == 4 and rows["陵城区"].target["producing"] is None
    assert rows["禹城市"].rate["started"] is None  # a target of 0
    assert rows["陵城区"].on_time_rate is None and rows["陵城区"].overdue_tasks is None
    assert [r.listed for r in result.rows] == ["red", "red", "black", ""]
    # October: 德城区 100, 禹城市 100 (tied, first by name), 陵城区 (1 of 4) 12.50.
    assert [(r.previous_rank, r.rank_change) for r in result.rows] == [
        (1, 0),
        (1, -1),
        (3, 0),
        (4, 0),
    ]
    assert result.weights["signed"] == 20 and result.weights["rate_cap"] == Decimal("1.20")


def changed_settings(day, **fields):
    """The one settings row (made by migration 0003) changed, as if on ``day``."""
    settings = RankingSettings.current()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    stamp(settings, day)
    return settings


def test_weights_change_the_score(counties):
    changed_settings(D(2023, 1, 1), weight_started=60)
    rows = {r.unit.name: r for r in ranking(NOVEMBER, Unit.COUNTY).rows}
    assert rows["陵城区"].score == Decimal("37.50")  # (20 × 0.75 + 60 × 0.25) / 80


def test_a_department_ranking_counts_discipline(department, work_point):
    from tracker.models import KeyTask

    Target.objects.create(year=2023, department=department, signed_projects=10)
    KeyTask.objects.create(
        code="KT-X",
        year=2023,
        title="逾期任务",
        work_point=work_point,
        lead_department=department,
        deadline=D(2023, 11, 1),
    )
    row = ranking(NOVEMBER, Unit.DEPARTMENT).rows[0]
    assert row.unit.id == department.pk
    # Targets: 0 of 10 → 0. Discipline: one report owed at 27 November, none came: 0 on
    # time, one overdue task → max(0 - 0.1, 0) = 0. Score 0, scored, so on the black list.
    assert (row.on_time_rate, row.overdue_tasks) == (Decimal("0.0000"), 1)
    assert row.score == Decimal("0.00") and row.listed == "black"


def test_the_same_period_ranks_the_same_whenever_asked(counties):
    first = ranking(NOVEMBER, Unit.COUNTY)
    again = ranking(period_of(PeriodKind.MONTH, D(2023, 11, 30)), Unit.COUNTY)
    assert first == again


def stamp(settings, day):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    settings.history.filter(history_id=settings.history.latest().history_id).update(
        history_date=moment
    )


def test_without_any_recorded_settings_the_defaults_apply(db):
    RankingSettings.history.all().delete()
    assert settings_at(D(2023, 1, 1)).weight_signed == 20
    RankingSettings.objects.update(weight_signed=30)  # unrecorded (a bulk update)
    assert settings_at(D(2023, 1, 1)).weight_signed == 20


def test_settings_as_of_a_past_date(db):
    assert settings_at(D(2023, 1, 1)).weight_signed == 20  # the defaults, recorded in 2000
    settings = changed_settings(D(2023, 3, 1), weight_signed=30)
    settings.weight_signed = 50
    settings.save()
    stamp(settings, D(2023, 7, 1))
    assert settings_at(D(2023, 2, 28)).weight_signed == 20
    assert settings_at(D(2023, 3, 1)).weight_signed == 30
    assert settings_at(D(2023, 6, 30)).weight_signed == 30
    assert settings_at(D(2023, 7, 1)).weight_signed == 50
    assert RankingSettings.current().weight_signed == 50


def test_a_past_ranking_keeps_the_settings_of_its_time(counties):
    settings = RankingSettings.current()  # the defaults, in force since 2000
    settings.weight_started = 60
    settings.save()  # today: after November 2023
    rows = {r.unit.name: r for r in ranking(NOVEMBER, Unit.COUNTY).rows}
    assert rows["陵城区"].score == Decimal("50.00")


def test_a_bounded_number_of_queries_whatever_the_number_of_units(
    counties, dezhou, django_assert_max_num_queries
):
    # Each ranking reads its period and the one before: settings, units, actuals (counting's
    # few queries each), targets and, for departments, discipline (calendar, tasks, steps,
    # reports): about 20 and 26, a few more on PostgreSQL (savepoints around the counting).
    with django_assert_max_num_queries(40):
        ranking(NOVEMBER, Unit.DEPARTMENT)
    with django_assert_max_num_queries(40) as small:
        ranking(NOVEMBER, Unit.COUNTY)
    for n in range(10):
        extra = county(dezhou, f"3714{50 + n}", f"县{n}")
        Target.objects.create(year=2023, division=extra, signed_projects=1)
        signed(extra, 1, D(2023, 11, 2))
    with django_assert_max_num_queries(len(small.captured_queries)):
        result = ranking(NOVEMBER, Unit.COUNTY)
    assert len(result.rows) == 14
