"""Deadlines as everything tracked shows them: a traffic light and the days left."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    """Traffic light for a deadline, shared by tasks and project milestones."""

    RED = "red", _("Overdue")
    YELLOW = "yellow", _("Due soon")
    GREEN = "green", _("On track")
    NONE = "none", _("No open deadline")


LIGHT_COLOURS = {
    Light.RED: "#d93025",
    Light.YELLOW: "#f9ab00",
    Light.GREEN: "#188038",
    Light.NONE: "#9aa0a6",
}

# Days before a deadline at which it turns yellow.
DUE_SOON_DAYS = 14


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
