from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE_CITY = "prefecture_city", _("Prefecture-level city")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    COUNTY_LEVEL_CITY = "county_level_city", _("County-level city")
    NEW_AREA = "new_area", _("New area")
    FUNCTIONAL_ZONE = "functional_zone", _("Functional zone")


# Levels at which a project can land (its host division) and at which a
# county-to-district pairing is made.
COUNTY_LEVELS = (
    DivisionLevel.DISTRICT,
    DivisionLevel.COUNTY,
    DivisionLevel.COUNTY_LEVEL_CITY,
    DivisionLevel.NEW_AREA,
    DivisionLevel.FUNCTIONAL_ZONE,
)


class ParkKind(models.TextChoices):
    NATIONAL_DEVELOPMENT_ZONE = "national_development_zone", _("National development zone")
    PROVINCIAL_DEVELOPMENT_ZONE = "provincial_development_zone", _("Provincial development zone")
    NEW_AREA = "new_area", _("New area")
    CO_BUILT_PARK = "co_built_park", _("Co-built park (enclave)")
    PARK_IN_PARK = "park_in_park", _("Park-in-park")
    INNOVATION_PLATFORM = "innovation_platform", _("Innovation platform")


class TenantKind(models.TextChoices):
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
