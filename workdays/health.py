"""The calendar's health check (named in ``settings.TRACKER_HEALTH_CHECKS``): is the State
Council's calendar for the year that matters installed?

Degraded, not down, when it is missing: working days then count Monday to Friday plus the
local exceptions, so deadlines still move, only less exactly around the holidays.
"""

from django.utils import timezone

from core.health import Degraded

from .calendar import missing_year, official_years


def check_calendar(today=None):
    today = today or timezone.localdate()
    year = missing_year(today)
    if year is not None:
        raise Degraded(
            f"no official working-day calendar for {year}: counting Monday to Friday plus "
            "local exceptions; update the chinesecalendar pin in requirements/base.txt"
        )
    return f"ok (official calendar to {official_years()[-1]})"
