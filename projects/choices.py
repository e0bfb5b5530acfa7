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

# Stages in which a key project reports on a schedule (projects.reporting).
REPORTING_STAGES = (Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.UNDER_CONSTRUCTION)

# The milestones a project owes (projects.deadlines): (the stage that owes it, the planned
# date, the actual date).
START_MILESTONE = (Stage.SIGNED, "planned_start_on", "started_on")
PRODUCTION_MILESTONE = (Stage.UNDER_CONSTRUCTION, "planned_production_on", "produced_on")

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


class BlockerKind(models.TextChoices):
    """What stands in a project's way (the kinds the weekly scheduling meeting sorts by)."""

    LAND = "land", _("Land")
    ENERGY = "energy", _("Energy and utilities")
    APPROVAL = "approval", _("Approvals and permits")
    FINANCING = "financing", _("Financing")
    LABOUR = "labour", _("Labour")
    OTHER = "other", _("Other")


class BlockerState(models.TextChoices):
    """Raised (待协调) → being coordinated (协调中) → solved (已解决); a problem one
    department cannot solve goes to the city leadership's meeting (提请市领导协调);
    one raised by mistake or overtaken by events is withdrawn (已撤销)."""

    OPEN = "open", _("Raised, awaiting a coordinator")
    COORDINATING = "coordinating", _("Being coordinated")
    ESCALATED = "escalated", _("Escalated to the city leadership")
    SOLVED = "solved", _("Solved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Not yet solved: listed, chased and counted as open.
UNSOLVED_STATES = (BlockerState.OPEN, BlockerState.COORDINATING, BlockerState.ESCALATED)
# Unsolved and with a coordinator and a deadline: what climbs the escalation ladder.
CHASED_STATES = (BlockerState.COORDINATING, BlockerState.ESCALATED)


class BlockerAction(models.TextChoices):
    RAISE = "raise", _("Raise")
    ASSIGN = "assign", _("Assign a coordinator")
    NOTE = "note", _("Progress note")
    ESCALATE = "escalate", _("Escalate to the city leadership")
    SOLVE = "solve", _("Mark solved")
    WITHDRAW = "withdraw", _("Withdraw")
