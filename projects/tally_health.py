"""The statistics tally's health check (named in ``settings.TRACKER_HEALTH_CHECKS``): did
the latest check find the tally exact?

The dashboards answer from the tally (docs/tallies.md); a cell that differs from the
projects shows a wrong figure without failing anything, so the nightly check
(``projects.check_tallies``) keeps its outcome (``TallyCheck``) and /healthz reports the
tally degraded, not down, when it found differences it did not repair, or when the last
check of the whole tracker is older than ``MAX_SILENCE`` (beat stopped, or the schedule was
disabled). Differences found by the latest check of the whole tracker, or by a city's check
since, count until a later check of the whole tracker finds none (or repairs them). A
tracker whose whole has never been checked (a new install before its first night) is
"ok, not checked yet", unless a city's check found differences.
"""

import datetime

from django.utils import timezone

from core.health import Degraded

from .models import TallyCheck

# The check runs nightly; two nights without one is a schedule that stopped.
MAX_SILENCE = datetime.timedelta(hours=48)


def check_tally(now=None):
    now = now or timezone.now()
    whole = TallyCheck.objects.filter(tenant_id="").first()  # the latest (Meta.ordering)
    since = {} if whole is None else {"checked_at__gte": whole.checked_at}
    unrepaired = TallyCheck.objects.filter(**since, differing__gt=0, repaired=False).first()
    if unrepaired is not None:
        where = f"city {unrepaired.tenant_id}" if unrepaired.tenant_id else "the tracker"
        cells = (
            "1 tally cell" if unrepaired.differing == 1 else f"{unrepaired.differing} tally cells"
        )
        raise Degraded(
            f"{cells} of {where} differed from the projects and key tasks at "
            f"{timezone.localtime(unrepaired.checked_at):%Y-%m-%d %H:%M} (first: "
            f"{unrepaired.first_difference}): the statistics show them; run "
            "`manage.py check_tallies --repair`"
        )
    if whole is None:
        return "ok (the whole tracker not checked yet)"
    if now - whole.checked_at > MAX_SILENCE:
        raise Degraded(
            f"the tally has not been checked since "
            f"{timezone.localtime(whole.checked_at):%Y-%m-%d %H:%M} (projects.check_tallies)"
        )
    repaired = " (differences rebuilt)" if whole.repaired else ""
    return f"ok (checked {timezone.localtime(whole.checked_at):%Y-%m-%d %H:%M}{repaired})"
