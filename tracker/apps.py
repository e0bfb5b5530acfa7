from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Departments and key tasks")

    def ready(self):
        from core.search import register_lookups

        from .api import authentication  # noqa: F401  (registers the token scheme with the schema)

        register_lookups()
