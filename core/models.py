"""core's one concrete model: the record of deletions a syncing client reads.

Everything else in core is an abstract base (reports, evidence files, timestamps).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tombstone(models.Model):
    """One deleted record of a synced model (written by core.sync's post_delete receiver),
    so that a client mirroring the API can delete its copy too."""

    model = models.CharField(_("model"), max_length=64, help_text=_("e.g. projects.project"))
    object_id = models.BigIntegerField(_("object id"))
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now)
    # The deleted row's city (core imports no app, so a code, not a key): the deletions
    # feed shows a user only the deletions of the tenants they read.
    tenant_id = models.CharField(_("city"), max_length=6, blank=True, default="")

    class Meta:
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")
        ordering = ["deleted_at", "id"]
        indexes = [models.Index(fields=["deleted_at", "id"], name="tombstone_sync")]

    def __str__(self):
        return f"{self.model}#{self.object_id} @ {self.deleted_at:%Y-%m-%d %H:%M:%S}"
