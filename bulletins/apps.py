from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self):
        from core.sync import track_deletions

        from .models import Bulletin

        # A syncing client learns of deletions from /api/v1/deleted/ (core.sync).
        track_deletions(Bulletin)
