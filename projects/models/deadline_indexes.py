"""Indexes for the reads that the weekly digest and the daily reminders make of one city's
projects (projects.deadlines, projects.reporting through notifications.sources).

Each is partial: it holds only the rows such a read can return, so it stays small (about
20 MB in all at 1,000,000 projects) and the read visits a few thousand of the city's rows
instead of all of them. At 1,000,000 projects over 25 cities, planning one city's digests
read its 40,000 rows five times (0.5 s of SQL a city); with these, 0.17 s.

The conditions must follow from the queries' own filters, or PostgreSQL will not use
them: projects/tests/test_deadline_indexes.py asks the planner on every query.
"""

from django.db import models
from django.db.models import F, Q

from ..choices import PRODUCTION_MILESTONE, REPORTING_STAGES, START_MILESTONE


def milestone_indexes(name, milestone):
    stage, planned, actual = milestone
    return [
        # Open: the stage that owes the milestone, due by a day (notifications' horizon),
        # each department's apart and in the digest's order (date, code, id): a digest
        # counts a department's from the index alone and reads its most urgent as the
        # first entries of one range, without a sort (notifications.item_queries).
        models.Index(
            fields=["tenant", "responsible_department", planned, "code", "id"],
            condition=Q(stage=stage),
            name=f"{name}_due_dept",
        ),
        # Completed within a week: the actual date in a range, a planned one set.
        models.Index(
            fields=["tenant", actual],
            condition=Q(**{f"{planned}__isnull": False, f"{actual}__isnull": False}),
            name=f"{name}_done",
        ),
    ]


DEADLINE_INDEXES = [
    # Key projects that report on a schedule, walked in keyset chunks by id.
    models.Index(
        F("tenant"),
        F("id"),
        condition=Q(is_key=True, stage__in=REPORTING_STAGES),
        name="project_key_reporting",
    ),
    *milestone_indexes("project_start", START_MILESTONE),
    *milestone_indexes("project_production", PRODUCTION_MILESTONE),
]
