from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Cooperation ledger")

    def ready(self):
        from core.sync import track_deletions

        from .models import AgreementArea, CooperationItem, Counterpart

        # A syncing client learns of deletions from /api/v1/deleted/ (core.sync).
        track_deletions(CooperationItem, Counterpart, AgreementArea)
