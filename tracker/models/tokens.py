"""Keys with which other systems call the API as a user."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.ownership import OwnedQuerySet


class ApiTokenQuerySet(OwnedQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key with which a dashboard or another system calls the API as a user.

    Only a digest of the key is stored; the key itself is shown once, when the token
    is created. A read-only token can never write, whatever its user may do.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who uses it, e.g. “city dashboard”.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token may do what this user may do, and no more."),
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False, db_index=True)
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()
    tenant_path = "user__official__tenant"

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def can_write(self):
        return self.scope == self.Scope.READ_WRITE
