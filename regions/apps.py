from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions and parks")

    def ready(self):
        from core.sync import track_deletions

        from .models import CounterpartPairing, Division, Park

        # A syncing client learns of deletions from /api/v1/deleted/ (core.sync).
        track_deletions(Division, Park, CounterpartPairing)
