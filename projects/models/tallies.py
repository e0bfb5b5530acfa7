from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectTally(models.Model):
    """Projects counted and summed per cell, kept by database triggers (projects.tallies
    declares them, core.tallies generates them): the statistics' answer without reading
    the projects. Never written by Django but by ``check_tallies --repair``.

    A cell: one dimension (``dim``, "" for none) and its ``key`` (text: an id, a code,
    "2023-05", a pair "110000|1234"; "" when not set), for one ledger ``year`` (0: all
    years), ``tenant_id`` and ``stage``. Money in cents: exact on both engines.
    """

    dim = models.CharField(_("dimension"), max_length=40)
    year = models.PositiveSmallIntegerField(_("ledger year"))
    # Tenant.code, no foreign key: the cells go with the projects, by trigger.
    tenant_id = models.CharField(_("city code"), max_length=6)
    stage = models.CharField(_("stage"), max_length=32)
    key = models.CharField(_("key"), max_length=64)
    projects = models.BigIntegerField(_("projects"))
    total_investment_cents = models.BigIntegerField(_("total investment (cents of 万元)"))
    funds_in_place_cents = models.BigIntegerField(_("funds in place (cents of 万元)"))

    class Meta:
        verbose_name = _("project tally")
        verbose_name_plural = _("project tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["dim", "year", "tenant_id", "stage", "key"], name="project_tally_cell"
            ),
            # No CHECK (projects >= 0): both engines check a proposed row before its
            # conflict, so the upsert of a decrement (-1) would always fail it.
        ]

    def __str__(self):
        return f"{self.dim}={self.key} {self.year} {self.tenant_id} {self.stage}"


class TallyCheck(models.Model):
    """One run of the tally check (``projects.tallies.check``: nightly, or
    ``manage.py check_tallies``): how many cells differed from the projects, and whether
    they were rebuilt. /healthz reads the latest (``projects.tally_health``)."""

    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    # The city checked (Tenant.code), "" for the whole tracker.
    tenant_id = models.CharField(_("city code"), max_length=6, blank=True)
    differing = models.PositiveIntegerField(_("cells that differed"))
    repaired = models.BooleanField(_("rebuilt"), default=False)
    first_difference = models.CharField(_("first difference"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tally check")
        verbose_name_plural = _("tally checks")
        ordering = ["-checked_at", "-id"]

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.tenant_id or '*'}: {self.differing}"
