from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Investment projects")

    def ready(self):
        from core.sync import track_deletions

        from .models import Blocker, IndustryChain, Project

        # A syncing client learns of deletions from /api/v1/deleted/ (core.sync).
        track_deletions(IndustryChain, Project, Blocker)
