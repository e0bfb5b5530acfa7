"""When a synthetic project reached each stage, and the dates that follow from it."""

import datetime

from projects.choices import Stage

from .markers import AS_OF
from .rows import day
from .shapes import MILESTONE_GAPS, PIPELINE, STAGE_WEIGHTS_BY_AGE, STAGES


def milestones(rng, year):
    """(stage, timeline, dates): a stage likely for a project of the ledger ``year``, the
    timeline that led to it, and the project's date fields along that timeline."""
    age = min(AS_OF.year - year, len(STAGE_WEIGHTS_BY_AGE) - 1)
    stage = rng.choices(STAGES, STAGE_WEIGHTS_BY_AGE[age])[0]
    timeline = stage_timeline(rng, year, stage)
    reached = dict(zip(timeline[1], timeline[0], strict=True))
    dates = {
        "signed_on": reached.get(Stage.SIGNED),
        "planned_start_on": None,
        "started_on": reached.get(Stage.UNDER_CONSTRUCTION),
        "planned_production_on": None,
        "produced_on": reached.get(Stage.IN_OPERATION),
    }
    if dates["signed_on"]:
        # Never before signing (Project.clean); for a project still at "signed", a
        # planned start in the past is an overdue milestone.
        dates["planned_start_on"] = day(dates["signed_on"], rng.randint(30, 365))
    if dates["started_on"]:
        dates["planned_production_on"] = day(dates["started_on"], rng.randint(180, 900))
    return stage, timeline, dates


def stage_timeline(rng, year, stage):
    """The dates the project reached each stage: ([dates], [stages]), oldest first.

    The first entry is the first contact, in the ledger year. If the stages would run
    past AS_OF, the gaps are shrunk in proportion so that every date is history.
    """
    first = datetime.date(year, 1, 1)
    contact = day(first, rng.randint(0, 330))
    contact = max(first, min(contact, day(AS_OF, -rng.randint(30, 90))))
    if stage == Stage.DROPPED:
        gave_up_at = rng.choices(PIPELINE[:3], (30, 50, 20))[0]
        path = [*PIPELINE[: PIPELINE.index(gave_up_at) + 1], Stage.DROPPED]
    else:
        path = list(PIPELINE[: PIPELINE.index(stage) + 1])
    offsets = [0]
    for milestone in path[1:]:
        low, high = MILESTONE_GAPS[milestone]
        offsets.append(offsets[-1] + rng.randint(low, high))
    room = (AS_OF - contact).days
    if offsets[-1] > room:
        # Flooring a monotone sequence keeps it monotone: the order survives.
        offsets = [offset * room // offsets[-1] for offset in offsets]
    return [day(contact, offset) for offset in offsets], path
