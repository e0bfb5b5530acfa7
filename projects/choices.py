from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """A project's pipeline: 线索 → 洽谈 → 签约 → 开工 → 投产, or 终止."""

    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    IN_OPERATION = "in_operation", _("In operation")
    DROPPED = "dropped", _("Dropped")


# The pipeline in order; DROPPED stands outside it.
PIPELINE = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.UNDER_CONSTRUCTION,
    Stage.IN_OPERATION,
)

# The date field each stage needs once a project has reached it.
STAGE_DATE_FIELDS = {
    Stage.SIGNED: "signed_on",
    Stage.UNDER_CONSTRUCTION: "started_on",
    Stage.IN_OPERATION: "produced_on",
}


def stages_reached(stage):
    """The pipeline stages up to and including ``stage`` (none for dropped)."""
    if stage not in PIPELINE:
        return ()
    return PIPELINE[: PIPELINE.index(stage) + 1]


class IndustryChainGroup(models.TextChoices):
    HEBEI_SIX_CHAINS = "hebei_six_chains", _("Hebei's six key industry chains")
    HEBEI_FIVE_CLUSTERS = "hebei_five_clusters", _("Hebei's five manufacturing clusters")
    FUTURE = "future", _("Future industry chains")
    LANGFANG = "langfang", _("Langfang's three main and four auxiliary chains")
    LOCAL = "local", _("Local industries")


class BaseFunction(models.TextChoices):
    """Dezhou's "one zone, four bases" roles (一区四基地) set by the 2015 outline."""

    INDUSTRY_TRANSFER = "industry_transfer", _("Industry transfer base")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer base")
    AGRICULTURAL_SUPPLY = "agricultural_supply", _("Quality agricultural products supply base")
    LABOUR_SUPPLY = "labour_supply", _("Labour supply base")
    ECOLOGICAL_ZONE = "ecological_zone", _("Southern ecological function zone")
