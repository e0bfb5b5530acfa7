import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.choices import Stage
from projects.models import Project, ProjectUpdate
from projects.services import record_project_update

TODAY = datetime.date(2023, 12, 31)


def record(project, **overrides):
    fields = {
        "project": project,
        "reported_on": datetime.date(2023, 3, 1),
        "stage": Stage.SIGNED,
        "funds_in_place": Decimal("0"),
        "note": "签约",
        "today": TODAY,
    }
    fields.update(overrides)
    return record_project_update(**fields)


def test_update_becomes_the_current_state_and_dates_the_stage(project, official_user):
    record(project, author=official_user)
    record(
        project,
        reported_on=datetime.date(2023, 5, 5),
        stage=Stage.UNDER_CONSTRUCTION,
        funds_in_place=Decimal("8600.50"),
    )
    project.refresh_from_db()
    assert project.stage == Stage.UNDER_CONSTRUCTION
    assert project.funds_in_place == Decimal("8600.50")
    assert project.signed_on == datetime.date(2023, 3, 1)
    assert project.started_on == datetime.date(2023, 5, 5)
    assert [u.stage for u in project.updates.all()] == [Stage.UNDER_CONSTRUCTION, Stage.SIGNED]


def test_skipping_stages_dates_every_stage_reached(project):
    record(project, stage=Stage.IN_OPERATION, reported_on=datetime.date(2023, 8, 8))
    project.refresh_from_db()
    assert (
        project.signed_on == project.started_on == project.produced_on == datetime.date(2023, 8, 8)
    )


def test_existing_dates_are_kept(project):
    project.stage = Stage.SIGNED
    project.signed_on = datetime.date(2022, 12, 1)
    project.save()
    record(project, stage=Stage.UNDER_CONSTRUCTION, reported_on=datetime.date(2023, 2, 2))
    project.refresh_from_db()
    assert project.signed_on == datetime.date(2022, 12, 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"funds_in_place": Decimal("-1")}, "funds_in_place"),
        ({"reported_on": datetime.date(2024, 1, 1)}, "reported_on"),
        ({"stage": "built"}, "stage"),
    ],
)
def test_bad_update_changes_nothing(project, overrides, field):
    before = Project.objects.values().get(pk=project.pk)
    with pytest.raises(ValidationError) as error:
        record(project, **overrides)
    assert field in error.value.message_dict
    assert Project.objects.values().get(pk=project.pk) == before
    assert ProjectUpdate.objects.count() == 0


def test_stage_cannot_go_back(project):
    record(project, stage=Stage.UNDER_CONSTRUCTION, reported_on=datetime.date(2023, 5, 1))
    with pytest.raises(ValidationError) as error:
        record(project, stage=Stage.NEGOTIATING, reported_on=datetime.date(2023, 6, 1))
    assert "stage" in error.value.message_dict
    project.refresh_from_db()
    assert project.stage == Stage.UNDER_CONSTRUCTION


def test_dropped_project_can_be_revived(project):
    record(project, stage=Stage.DROPPED, reported_on=datetime.date(2023, 5, 1))
    record(project, stage=Stage.SIGNED, reported_on=datetime.date(2023, 6, 1))
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert project.signed_on == datetime.date(2023, 6, 1)


def test_update_that_breaks_date_order_is_refused(project):
    project.stage = Stage.SIGNED
    project.signed_on = datetime.date(2023, 9, 1)
    project.save()
    with pytest.raises(ValidationError) as error:
        record(project, stage=Stage.UNDER_CONSTRUCTION, reported_on=datetime.date(2023, 8, 1))
    assert "started_on" in error.value.message_dict
    assert ProjectUpdate.objects.count() == 0
