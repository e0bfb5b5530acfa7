from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Departments and key tasks")

    def ready(self):
        from core.search import register_lookups
        from core.sync import track_deletions

        from .api import authentication  # noqa: F401  (registers the token scheme with the schema)
        from .models import Department, KeyTask, WorkPoint

        register_lookups()
        # A syncing client learns of deletions from /api/v1/deleted/ (core.sync).
        track_deletions(Department, WorkPoint, KeyTask)
