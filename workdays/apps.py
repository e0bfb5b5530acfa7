from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """China's official working-day calendar, with the office's local exceptions."""

    name = "workdays"
    verbose_name = _("working-day calendar")
