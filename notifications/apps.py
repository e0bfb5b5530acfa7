from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Deciding what to tell whom, and delivering it exactly once.

    It reads deadlines through the sources named in ``TRACKER_DEADLINE_SOURCES`` and the
    recipients from tracker's org chart (``notifications.recipients``); no domain app
    imports it except to implement the source contract (``notifications.sources``).
    """

    name = "notifications"
    verbose_name = _("Notifications and integrations")
