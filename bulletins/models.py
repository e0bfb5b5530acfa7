"""The bulletins (通报) built for the city leadership, kept for download."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.ownership import OwnedManager
from core.timestamps import Timestamped
from regions.tenancy import TenantOwned


class BulletinKind(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")


def bulletin_path(bulletin, filename):
    # Named by the period, never by the user: nothing of a request reaches the storage path.
    return f"bulletins/{bulletin.kind}/{bulletin.period_start:%Y}/{filename}"


class Bulletin(TenantOwned, Timestamped):
    """A bulletin for one week or month: the Word document and its Excel annex, built from
    the history of the period, so that rebuilding it gives the same files."""

    kind = models.CharField(_("kind"), max_length=8, choices=BulletinKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    number = models.CharField(_("document number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    document = models.FileField(_("document (.docx)"), upload_to=bulletin_path, max_length=255)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64)
    annex = models.FileField(_("annex (.xlsx)"), upload_to=bulletin_path, max_length=255)
    annex_sha256 = models.CharField(_("annex SHA-256"), max_length=64)
    built_at = models.DateTimeField(_("built at"))
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    # Not read by the province: a city's bulletin names its open problems and its
    # cooperation, which stay in the city; the province builds its own from the cities'
    # figures (bulletins.gather).

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "period_start"],
                name="bulletin_one_per_period",
                violation_error_message=_("This period already has a bulletin."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="bulletin_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title
