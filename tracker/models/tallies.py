from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskTally(models.Model):
    """Key tasks counted per cell, kept by database triggers (tracker.tallies declares them,
    core.tallies generates them): the task statistics without reading the tasks. Never
    written by Django but by ``check_tallies --repair``.

    A cell: one dimension (``dim``, "" for none) and its ``key`` (text: a department's or
    a work point's id, an aspect, a deadline's month "2026-05"), for one ``year`` (0: all
    years), ``tenant_id`` and ``status``.
    """

    dim = models.CharField(_("dimension"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    # Tenant.code, no foreign key: the cells go with the tasks, by trigger.
    tenant_id = models.CharField(_("city code"), max_length=6)
    status = models.CharField(_("status"), max_length=16)
    key = models.CharField(_("key"), max_length=64)
    tasks = models.BigIntegerField(_("key tasks"))

    class Meta:
        verbose_name = _("key task tally")
        verbose_name_plural = _("key task tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["dim", "year", "tenant_id", "status", "key"], name="task_tally_cell"
            ),
            # No CHECK (tasks >= 0), as on ProjectTally: a decrement's upsert would fail it.
        ]

    def __str__(self):
        return f"{self.dim}={self.key} {self.year} {self.tenant_id} {self.status}"
