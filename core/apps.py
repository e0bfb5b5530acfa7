from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The floor under every app: no models of its own, only bases, helpers and templates
    (the Excel import page)."""

    name = "core"
    verbose_name = "core"
