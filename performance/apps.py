from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Targets and rankings")

    def ready(self):
        from core.sync import track_deletions

        from .models import Target

        # A syncing client learns of deletions from /api/v1/deleted/ (core.sync).
        track_deletions(Target)
