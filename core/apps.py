from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The floor under every app: bases, helpers and templates (the Excel import page), and
    one model, the deletion records (Tombstone) a syncing client reads."""

    name = "core"
    verbose_name = "core"
