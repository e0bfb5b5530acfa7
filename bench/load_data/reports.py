"""The status reports (ProjectUpdate) of each synthetic project."""

import bisect

from projects.models import Project, ProjectUpdate

from .markers import AS_OF
from .rows import cents, day, recorded_at
from .shapes import UPDATE_NOTES

UPDATE_FIELDS = (
    "project_id",
    "reported_on",
    "stage",
    "funds_in_place",
    "note",
    "author_id",
    "created_at",
)
# Reports are entered the day they are dated, in the afternoon.
REPORT_HOUR = 15


def report_rows(rng, count, project_id, project, timeline):
    """``count`` reports dated within the project's life, stage and funds only ever moving
    on, the last one showing the project (a dict of its fields) as it stands."""
    if not count:
        return []
    dates, stages = timeline
    reported = report_dates(rng, count, dates[0], dates[-1])
    final_cents = int(project["funds_in_place"].scaleb(2))
    signed_on = project["signed_on"]
    # Money arrives only after signing; the reports since then show it growing.
    funded = sum(1 for date in reported if signed_on is not None and date >= signed_on)
    shares = [0.0] * (count - funded)
    if funded:
        shares += sorted(rng.random() for _ in range(funded - 1))
        shares.append(1.0)
    result = []
    for date, share in zip(reported, shares, strict=True):
        stage = stages[bisect.bisect_right(dates, date) - 1]
        result.append(
            (
                project_id,
                date,
                stage,
                cents(int(final_cents * share)),
                rng.choice(UPDATE_NOTES[stage]),
                None,
                recorded_at(date, REPORT_HOUR),
            )
        )
    return result


def report_dates(rng, count, contact, last_milestone):
    """``count`` dates, oldest first: the first is the lead being entered (the first
    contact), the last the state today, some time after the last milestone."""
    end = min(AS_OF, day(last_milestone, rng.randint(30, 540)))
    last = day(last_milestone, rng.randint(0, (end - last_milestone).days))
    span = (last - contact).days
    between = count - 2
    if between < 0:
        offsets = []
    elif span - 1 >= between:
        offsets = [0, *sorted(rng.sample(range(1, span), between))]
    else:
        offsets = [0, *sorted(rng.randint(0, span) for _ in range(between))]
    return [*(day(contact, offset) for offset in offsets), last]


def write_reports(world, rng, count, batch):
    """The reports of a batch of projects just written, [(project, timeline)]; their count."""
    if not batch or not count:
        return 0
    codes = [project["code"] for project, _timeline in batch]
    ids = dict(
        Project.objects.filter(code__gte=codes[0], code__lte=codes[-1]).values_list("code", "id")
    )
    rows = []
    for project, timeline in batch:
        rows.extend(report_rows(rng, count, ids[project["code"]], project, timeline))
    world.writer.insert(ProjectUpdate, UPDATE_FIELDS, rows)
    return len(rows)
