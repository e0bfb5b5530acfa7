"""When a record was created and last changed: what a syncing client pages by.

``auto_now`` is only written when ``updated_at`` is among the saved fields, and services
save with ``update_fields`` (a stage, a state, a version): ``save()`` adds it there, so
every change through a model moves ``updated_at``. ``QuerySet.update()`` bypasses both;
code that changes synced rows with it must set ``updated_at`` itself.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TouchOnSave(models.Model):
    """The save rule alone, for models that declare their own timestamp fields."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)


class Timestamped(TouchOnSave):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
