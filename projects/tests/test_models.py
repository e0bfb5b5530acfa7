import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.choices import Stage
from projects.models import Project


def test_money_is_never_negative(project):
    project.funds_in_place = Decimal("-1")
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "funds_in_place" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Project.objects.filter(pk=project.pk).update(total_investment=Decimal("-5"))


@pytest.mark.parametrize(
    ("stage", "missing"),
    [
        (Stage.SIGNED, "signed_on"),
        (Stage.UNDER_CONSTRUCTION, "started_on"),
        (Stage.IN_OPERATION, "produced_on"),
    ],
)
def test_stage_needs_its_date(project, stage, missing):
    project.stage = stage
    project.signed_on = datetime.date(2023, 1, 1)
    project.started_on = datetime.date(2023, 2, 1)
    project.produced_on = datetime.date(2023, 3, 1)
    setattr(project, missing, None)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert missing in error.value.message_dict


def test_dates_in_order(project):
    project.signed_on = datetime.date(2023, 5, 1)
    project.started_on = datetime.date(2023, 4, 1)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "started_on" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Project.objects.filter(pk=project.pk).update(
            started_on=datetime.date(2023, 5, 1), produced_on=datetime.date(2023, 4, 1)
        )


def test_date_order_skips_missing_dates(project):
    # Signed after production with nothing in between is still out of order.
    project.signed_on = datetime.date(2023, 5, 1)
    project.produced_on = datetime.date(2023, 4, 1)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "produced_on" in error.value.message_dict


def test_next_milestone_follows_the_stage(project):
    assert project.next_milestone() is None
    project.stage = Stage.SIGNED
    project.planned_start_on = datetime.date(2023, 9, 1)
    assert project.next_milestone()[1] == datetime.date(2023, 9, 1)
    assert project.milestone_overdue(datetime.date(2023, 9, 2))
    assert not project.milestone_overdue(datetime.date(2023, 9, 1))
    project.stage = Stage.UNDER_CONSTRUCTION
    project.planned_production_on = datetime.date(2025, 6, 30)
    assert project.next_milestone()[1] == datetime.date(2025, 6, 30)
    project.stage = Stage.IN_OPERATION
    assert project.next_milestone() is None
