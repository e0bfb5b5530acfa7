"""What a plain edit may not do (the security review's findings): link another
department's project, turn an agreement with areas into another kind, move an achieved
item back, date an achievement in the future or a deadline in year 1, or name a million
counterparts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperation import services
from cooperation.choices import CooperationKind, CooperationState
from cooperation.models import AgreementArea, CooperationItem, Counterpart
from cooperation.tests.test_services import new_item

pytestmark = pytest.mark.django_db


def row(item):
    return CooperationItem.objects.values().get(pk=item.pk)


def test_an_official_links_only_a_project_of_their_own_department(
    official_user, supervisor_user, department, project, other_project
):
    item = services.save_item(new_item(department, kind=CooperationKind.INCUBATED))
    before = row(item)
    item.project = other_project
    with pytest.raises(ValidationError) as refused:
        services.save_item(item, by=official_user)
    assert "project" in refused.value.message_dict and row(item) == before
    landed = services.land_as_project(item, project=other_project, by=supervisor_user)
    assert landed.project == other_project  # the office links across departments


def test_an_agreement_with_areas_stays_an_agreement(official_user, department):
    agreement = services.save_item(new_item(department, kind=CooperationKind.AGREEMENT))
    AgreementArea.objects.create(agreement=agreement, number=1, title="产业承接")
    before = row(agreement)
    agreement.kind = CooperationKind.PLATFORM
    with pytest.raises(ValidationError) as refused:
        services.save_item(agreement, by=official_user)
    assert "kind" in refused.value.message_dict and row(agreement) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"state": CooperationState.PLANNED, "achieved_on": None}, "state"),
        ({"achieved_on": timezone.localdate() + datetime.timedelta(days=30)}, "achieved_on"),
        ({"deadline": datetime.date(1, 1, 1)}, "deadline"),
    ],
)
def test_dates_and_states_a_plain_edit_cannot_set(supervisor_user, department, fields, field):
    item = services.save_item(
        new_item(
            department,
            state=CooperationState.ACHIEVED,
            started_on=datetime.date(2023, 3, 1),
            achieved_on=datetime.date(2023, 6, 1),
        )
    )
    before = row(item)
    for name, value in fields.items():
        setattr(item, name, value)
    with pytest.raises(ValidationError) as refused:
        services.save_item(item, by=supervisor_user)
    assert field in refused.value.message_dict and row(item) == before


def test_the_api_refuses_more_than_fifty_counterparts_before_looking_them_up(
    api_client_for, official_user, department, django_assert_max_num_queries
):
    item = services.save_item(new_item(department))
    partner = Counterpart.objects.create(name="清华大学", kind="university")
    client = api_client_for(official_user)
    with django_assert_max_num_queries(20):
        response = client.patch(
            f"/api/v1/cooperation-items/{item.pk}/",
            {"counterparts": [partner.pk] * 5000},
            format="json",
        )
    assert response.status_code == 400 and "counterparts" in response.json()
    assert not item.counterparts.exists()
