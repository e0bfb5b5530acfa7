"""The office's local exceptions on top of China's official working-day calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.ownership import OwnedManager


class CalendarException(models.Model):
    """One day that the city counts differently from the State Council's calendar.

    Reference data: it has no owning department, so only supervisors change it.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked: a working day (such as a make-up day); unticked: a day off."),
    )
    note = models.CharField(
        _("reason"),
        max_length=200,
        help_text=_("Why the day differs, for example a temporary adjustment by the city."),
    )

    objects = OwnedManager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        kind = _("working day") if self.is_workday else _("day off")
        return f"{self.date.isoformat()} {kind}"
