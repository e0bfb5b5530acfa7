"""Deletion records (core.sync) carry the deleted row's city, for cascades too: the rows a
deletion takes with it are recorded with their parent's city, read before it is gone."""

import pytest

from core.models import Tombstone
from notifications.tests.tenant_world import LANGFANG, two_cities
from projects.models import Blocker

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    return two_cities()


def test_deleting_a_project_records_it_and_its_problems_with_its_city(cities):
    project = cities[LANGFANG].projects[0]
    problems = set(Blocker.objects.filter(project=project).values_list("pk", flat=True))
    assert problems
    project_id = project.pk  # delete() forgets it
    project.delete()
    recorded = {(t.model, t.object_id): t.tenant_id for t in Tombstone.objects.all()}
    assert recorded[("projects.project", project_id)] == LANGFANG
    for pk in problems:
        assert recorded[("projects.blocker", pk)] == LANGFANG


def test_a_cascade_through_a_path_records_the_parents_city(cities):
    from cooperation.choices import CooperationKind
    from cooperation.models import AgreementArea, CooperationItem

    department = cities[LANGFANG].departments[0]
    agreement = CooperationItem.objects.create(
        tenant_id=LANGFANG,
        code="LF-A1",
        title="框架协议",
        kind=CooperationKind.AGREEMENT,
        year=2024,
        department=department,
    )
    area = AgreementArea.objects.create(agreement=agreement, number=1, title="产业协同")
    ids = agreement.pk, area.pk  # delete() forgets them
    agreement.delete()
    recorded = {(t.model, t.object_id): t.tenant_id for t in Tombstone.objects.all()}
    assert recorded[("cooperation.cooperationitem", ids[0])] == LANGFANG
    assert recorded[("cooperation.agreementarea", ids[1])] == LANGFANG
