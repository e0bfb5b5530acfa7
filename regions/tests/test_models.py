import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from regions.choices import DivisionLevel, ParkKind
from regions.models import CounterpartPairing, Division, Park


def test_division_code_must_be_six_digits(dezhou):
    division = Division(code="37140", name="某区", level=DivisionLevel.DISTRICT, parent=dezhou)
    with pytest.raises(ValidationError) as error:
        division.full_clean()
    assert "code" in error.value.message_dict


def test_division_code_is_unique_but_many_may_be_blank(dezhou):
    Division.objects.create(name="天衢新区", level=DivisionLevel.NEW_AREA, parent=dezhou)
    Division.objects.create(name="某功能区", level=DivisionLevel.FUNCTIONAL_ZONE, parent=dezhou)
    assert Division.objects.filter(code="").count() == 2
    with transaction.atomic(), pytest.raises(IntegrityError):
        Division.objects.create(code="371400", name="重复", level=DivisionLevel.DISTRICT)


def test_division_duplicate_code_gets_a_clear_message(dezhou):
    duplicate = Division(code="371400", name="重复", level=DivisionLevel.DISTRICT)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "已有其他区划使用此代码。" in str(error.value)


def test_division_cannot_lie_within_itself(dezhou, lingcheng):
    dezhou.parent = lingcheng
    with pytest.raises(ValidationError) as error:
        dezhou.full_clean()
    assert "parent" in error.value.message_dict


def test_province_walks_up_the_tree(lingcheng):
    assert lingcheng.province.code == "370000"
    assert lingcheng.province.province == lingcheng.province


def test_within_covers_the_division_and_its_descendants(dezhou, lingcheng, beijing):
    shandong = dezhou.parent
    assert set(Division.objects.within(shandong)) == {shandong, dezhou, lingcheng}


def test_co_built_park_needs_partner(dezhou, beijing):
    park = Park(name="共建园", kind=ParkKind.CO_BUILT_PARK, division=dezhou)
    with pytest.raises(ValidationError) as error:
        park.full_clean()
    assert "partner_division" in error.value.message_dict
    park.partner_division = beijing
    park.full_clean()


def test_park_in_park_needs_host_park(dezhou):
    host = Park.objects.create(
        name="开发区", kind=ParkKind.NATIONAL_DEVELOPMENT_ZONE, division=dezhou
    )
    inner = Park(name="园中园", kind=ParkKind.PARK_IN_PARK, division=dezhou)
    with pytest.raises(ValidationError):
        inner.full_clean()
    inner.host_park = host
    inner.full_clean()


def test_park_partner_cannot_be_its_own_location(dezhou):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Park.objects.create(
            name="错园", kind=ParkKind.CO_BUILT_PARK, division=dezhou, partner_division=dezhou
        )


def test_pairing_is_unique_and_never_with_itself(dezhou, beijing):
    CounterpartPairing.objects.create(home=dezhou, counterpart=beijing)
    duplicate = CounterpartPairing(home=dezhou, counterpart=beijing)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "这两个区划已建立对接关系。" in str(error.value)
    with pytest.raises(ValidationError):
        CounterpartPairing(home=dezhou, counterpart=dezhou).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        CounterpartPairing.objects.create(home=beijing, counterpart=beijing)
