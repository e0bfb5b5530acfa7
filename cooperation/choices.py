from django.db import models
from django.utils.translation import gettext_lazy as _


class CooperationKind(models.TextChoices):
    """What the documents count besides projects and tasks (docs/cooperation.md)."""

    KEY_ITEM = "key_item", _("Key cooperation item (one department, one focus)")
    AGREEMENT = "agreement", _("Framework agreement")
    PLATFORM = "platform", _("Innovation platform")
    ACHIEVEMENT = "achievement", _("Technology achievement introduced")
    FIRM_COOPERATION = "firm_cooperation", _("Firm–institution cooperation")
    INCUBATED = "incubated", _("Incubated project")
    MEDICAL = "medical", _("Medical cooperation")
    MEDICAL_CONSORTIUM = "medical_consortium", _("Medical consortium")
    TALENT = "talent", _("Talent cooperation")


class CooperationState(models.TextChoices):
    """Planned (谋划) → under way (推进中) → achieved (已落地/已完成), or stopped (已终止)."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Under way")
    ACHIEVED = "achieved", _("Achieved")
    STOPPED = "stopped", _("Stopped")


# Open: still owed, chased by its deadline.
OPEN_STATES = (CooperationState.PLANNED, CooperationState.IN_PROGRESS)


class CounterpartKind(models.TextChoices):
    """Who Dezhou cooperates with in Beijing, Tianjin and Hebei."""

    DISTRICT = "district", _("District or county government")
    GOVERNMENT = "government", _("Government body")
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    HOSPITAL = "hospital", _("Hospital or medical institution")
    FIRM = "firm", _("Firm")
    OTHER = "other", _("Other")
