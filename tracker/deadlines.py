"""Deadline arithmetic shared by key tasks and project milestones."""

import datetime

from django.utils import timezone

from .choices import DUE_SOON_DAYS, Light


def light_for(deadline, today=None):
    """Red when past, yellow when due within DUE_SOON_DAYS, green otherwise."""
    if deadline is None:
        return Light.NONE
    today = today or timezone.localdate()
    if deadline < today:
        return Light.RED
    if deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return Light.YELLOW
    return Light.GREEN


def days_left(deadline, today=None):
    """Days until the deadline; negative when overdue."""
    return (deadline - (today or timezone.localdate())).days
