"""The cooperation ledger's services: the department rule on the data path, reports as the
only way to move an item's state, landing as a project, areas and counterparts. Every
refusal changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cooperation import services
from cooperation.choices import CooperationKind, CooperationState, CounterpartKind
from cooperation.models import AgreementArea, CooperationItem, CooperationUpdate, Counterpart
from core.concurrency import StaleObjectError

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2023, 6, 20)
S = CooperationState


def new_item(department, code="HZ-2023-001", kind=CooperationKind.PLATFORM, **fields):
    return CooperationItem(
        code=code, title=f"合作事项{code}", kind=kind, year=2023, department=department, **fields
    )


@pytest.fixture
def partner(beijing):
    return Counterpart.objects.create(
        name="清华大学", kind=CounterpartKind.UNIVERSITY, division=beijing
    )


@pytest.fixture
def item(department, partner):
    return services.save_item(new_item(department), counterparts=[partner])


@pytest.fixture
def other_item(other_department):
    return services.save_item(new_item(other_department, "HZ-2023-002"))


@pytest.fixture
def agreement(other_department):
    return services.save_item(
        new_item(other_department, "XY-2023-001", kind=CooperationKind.AGREEMENT)
    )


def row(item):
    return CooperationItem.objects.values().get(pk=item.pk)


def report(item, state, day=datetime.date(2023, 6, 1), author=None, **kwargs):
    return services.record_cooperation_update(
        item=item, reported_on=day, state=state, author=author, today=TODAY, **kwargs
    )


def test_an_official_adds_an_item_of_their_department_with_its_counterparts(
    official_user, department, partner
):
    saved = services.save_item(new_item(department), by=official_user, counterparts=[partner])
    assert list(saved.counterparts.all()) == [partner]
    assert saved.version == 1
    assert saved.history.latest().history_user == official_user


def test_an_official_cannot_add_or_move_an_item_to_another_department(
    official_user, other_department, item
):
    with pytest.raises(PermissionDenied):
        services.save_item(new_item(other_department, "HZ-X"), by=official_user)
    assert not CooperationItem.objects.filter(code="HZ-X").exists()
    before = row(item)
    item.department = other_department
    with pytest.raises(PermissionDenied):
        services.save_item(item, by=official_user)
    assert row(item) == before


def test_an_official_cannot_change_another_departments_item_a_supervisor_can(
    official_user, supervisor_user, other_item, partner
):
    before = row(other_item)
    other_item.title = "改名"
    with pytest.raises(PermissionDenied):
        services.save_item(other_item, by=official_user, counterparts=[partner])
    assert row(other_item) == before and not other_item.counterparts.exists()
    fresh = CooperationItem.objects.get(pk=other_item.pk)
    fresh.title = "改名"
    services.save_item(fresh, by=supervisor_user)
    assert row(other_item)["title"] == "改名" and row(other_item)["version"] == 2


def test_a_copy_read_at_an_older_version_is_refused(official_user, item):
    first, second = (CooperationItem.objects.get(pk=item.pk) for _ in range(2))
    first.title = "第一次"
    services.save_item(first, by=official_user)
    second.title = "第二次"
    with pytest.raises(StaleObjectError):
        services.save_item(second, by=official_user)
    assert row(item)["title"] == "第一次"


def test_reports_move_the_state_and_date_it(official_user, item):
    report(item, S.IN_PROGRESS, datetime.date(2023, 3, 1), official_user)
    report(item, S.ACHIEVED, datetime.date(2023, 6, 1), official_user, note="已揭牌")
    item.refresh_from_db()
    assert (item.state, item.started_on, item.achieved_on) == (
        S.ACHIEVED,
        datetime.date(2023, 3, 1),
        datetime.date(2023, 6, 1),
    )
    assert item.updates.count() == 2 and item.version == 3


@pytest.mark.parametrize(
    "first, then",
    [(S.ACHIEVED, S.IN_PROGRESS), (S.IN_PROGRESS, S.PLANNED), (S.ACHIEVED, S.STOPPED)],
)
def test_a_report_never_goes_back_and_a_refused_one_changes_nothing(item, first, then):
    report(item, first)
    before = row(item)
    with pytest.raises(ValidationError) as refused:
        report(item, then, datetime.date(2023, 6, 5))
    assert "state" in refused.value.message_dict
    assert row(item) == before and item.updates.count() == 1


def test_a_stopped_item_may_be_revived(item):
    report(item, S.STOPPED)
    report(item, S.IN_PROGRESS, datetime.date(2023, 6, 2))
    assert row(item)["state"] == S.IN_PROGRESS


def test_report_dates_are_checked(item):
    with pytest.raises(ValidationError):
        report(item, S.IN_PROGRESS, TODAY + datetime.timedelta(days=1))
    report(item, S.IN_PROGRESS, datetime.date(2023, 6, 1))
    with pytest.raises(ValidationError):
        report(item, S.IN_PROGRESS, datetime.date(2023, 5, 1))
    assert item.updates.count() == 1


def test_an_official_reports_only_on_their_departments_items(official_user, other_item):
    before = row(other_item)
    with pytest.raises(PermissionDenied):
        report(other_item, S.IN_PROGRESS, author=official_user)
    assert row(other_item) == before and not CooperationUpdate.objects.exists()


def test_once_reported_the_state_changes_only_through_a_report(official_user, item):
    report(item, S.IN_PROGRESS)
    fresh = CooperationItem.objects.get(pk=item.pk)
    before = row(item)
    fresh.state = S.STOPPED
    with pytest.raises(ValidationError) as refused:
        services.save_item(fresh, by=official_user)
    assert "state" in refused.value.message_dict and row(item) == before


def test_an_achievement_date_is_changed_only_by_a_supervisor_once_reported(
    official_user, supervisor_user, item
):
    report(item, S.ACHIEVED)
    fresh = CooperationItem.objects.get(pk=item.pk)
    fresh.achieved_on = datetime.date(2023, 1, 1)
    with pytest.raises(ValidationError):
        services.save_item(fresh, by=official_user)
    fresh = CooperationItem.objects.get(pk=item.pk)
    fresh.achieved_on = datetime.date(2023, 6, 5)
    services.save_item(fresh, by=supervisor_user)
    assert row(item)["achieved_on"] == datetime.date(2023, 6, 5)


def test_landing_as_a_project_links_both_ways_and_achieves_the_item(
    official_user, department, project, other_project
):
    incubated = services.save_item(new_item(department, "FH-01", kind=CooperationKind.INCUBATED))
    landed = services.land_as_project(incubated, project=project, by=official_user)
    assert landed.project == project and landed.state == S.ACHIEVED
    assert landed.achieved_on is not None
    assert list(project.cooperation_items.all()) == [landed]
    [update] = landed.updates.all()
    assert update.state == S.ACHIEVED and project.code in update.note
    # A project is what one item became.
    second = services.save_item(new_item(department, "FH-02", kind=CooperationKind.INCUBATED))
    before = row(second)
    with pytest.raises(ValidationError) as refused:
        services.land_as_project(second, project=project, by=official_user)
    assert "project" in refused.value.message_dict and row(second) == before


def test_landing_on_a_given_day_and_a_stranger_cannot_land(
    other_official_user, official_user, item, project
):
    with pytest.raises(PermissionDenied):
        services.land_as_project(item, project=project, by=other_official_user)
    assert row(item)["project_id"] is None
    day = datetime.date(2023, 5, 8)
    services.land_as_project(item, project=project, by=official_user, on=day)
    assert row(item)["achieved_on"] == day


def test_counterparts_are_kept_by_supervisors_only(official_user, supervisor_user, partner):
    partner.note = "改写"
    with pytest.raises(PermissionDenied):
        services.save_counterpart(partner, by=official_user)
    assert Counterpart.objects.get(pk=partner.pk).note == ""
    services.save_counterpart(partner, by=supervisor_user)
    assert Counterpart.objects.get(pk=partner.pk).note == "改写"
    with pytest.raises(ValidationError):
        services.save_counterpart(
            Counterpart(name="北京\n大学", kind=CounterpartKind.UNIVERSITY), by=supervisor_user
        )
    assert Counterpart.objects.count() == 1


def test_areas_belong_to_the_agreements_department(
    official_user, other_official_user, agreement, item
):
    area = services.save_area(
        AgreementArea(agreement=agreement, number=1, title="产业承接"), by=other_official_user
    )
    with pytest.raises(PermissionDenied):
        services.save_area(
            AgreementArea(agreement=agreement, number=2, title="科技创新"), by=official_user
        )
    with pytest.raises(ValidationError):
        services.save_area(AgreementArea(agreement=item, number=1, title="不是协议"))
    with pytest.raises(ValidationError):  # the same number twice
        services.save_area(AgreementArea(agreement=agreement, number=1, title="重复"))
    assert list(agreement.areas.all()) == [area]


def test_items_under_an_area_and_an_area_with_items_is_not_deleted(
    official_user, other_official_user, department, agreement
):
    area = services.save_area(AgreementArea(agreement=agreement, number=1, title="医疗合作"))
    under = services.save_item(
        new_item(department, "YL-01", kind=CooperationKind.MEDICAL, agreement=agreement, area=area),
        by=official_user,
    )
    assert list(area.items.all()) == [under]
    with pytest.raises(ValidationError):
        services.delete_area(area, by=other_official_user)
    assert AgreementArea.objects.filter(pk=area.pk).exists()
    wrong = new_item(department, "YL-02", kind=CooperationKind.MEDICAL, area=area)
    with pytest.raises(ValidationError) as refused:
        services.save_item(wrong, by=official_user)
    assert "area" in refused.value.message_dict


def test_money_and_people_are_kept(official_user, department):
    saved = services.save_item(
        new_item(department, "RC-01", kind=CooperationKind.TALENT, people=120),
        by=official_user,
    )
    saved.investment = Decimal("1469.50")
    services.save_item(saved, by=official_user)
    assert (row(saved)["people"], row(saved)["investment"]) == (120, Decimal("1469.50"))
