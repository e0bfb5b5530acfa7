"""Decisions on possible duplicate projects: a pair a supervisor found to be two projects."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.ownership import OwnedManager

from .projects import Project


class DuplicateDismissal(models.Model):
    """ "Not a duplicate": remembered so that the pair is not shown for review again.
    The pair is stored in one order (the smaller id first)."""

    first = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        Project, verbose_name=_("other project"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    objects = OwnedManager()
    tenant_path = "first__tenant"

    class Meta:
        verbose_name = _("not-a-duplicate decision")
        verbose_name_plural = _("not-a-duplicate decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_once"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="duplicate_dismissal_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"
