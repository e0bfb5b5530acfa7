"""A project's dated status reports, and the files attached to them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.display import wan
from core.evidence import EvidenceFile
from core.ownership import OwnedManager
from core.reports import Report

from ..choices import Stage
from .projects import MONEY, Project


class ProjectUpdate(Report):
    """A dated status report on a project."""

    owner_department_path = "project__responsible_department"
    tenant_path = "project__tenant"
    share_prefix = "project__"
    objects = OwnedManager()
    history = HistoricalRecords()

    # Indexed with created_at (Meta.indexes), which serves the foreign key's look-ups too.
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="updates",
        db_index=False,
    )
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices)
    funds_in_place = models.DecimalField(_("funds in place (10,000 yuan)"), **MONEY)
    # Funds in place are cumulative: a report may lower them only as a marked correction
    # (docs/targets.md, the counting rules).
    is_correction = models.BooleanField(
        _("correction"),
        default=False,
        help_text=_("Corrects an earlier figure: only a correction may lower the funds in place."),
    )
    capital_increase = models.DecimalField(
        _("capital increase (10,000 yuan)"),
        default=0,
        help_text=_(
            "增资: added to the project's total investment; the same project, counted once."
        ),
        **MONEY,
    )

    class Meta(Report.Meta):
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        # Has it reported since a cycle opened (tracker.reporting.owing), and when last:
        # one index probe per record, never its reports' rows.
        indexes = [
            models.Index(fields=["project", "created_at"], name="projectupdate_project_created")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(funds_in_place__gte=0),
                name="projectupdate_funds_not_negative",
                violation_error_message=_("Funds in place cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.reported_on}"

    @property
    def summary(self):
        return _("%(stage)s · funds in place %(funds)s (10,000 yuan)") % {
            "stage": self.get_stage_display(),
            "funds": wan(self.funds_in_place),
        }


class ProjectEvidence(EvidenceFile):
    """A file attached to a project's status report (site photos, contracts, minutes).
    Served only through the tracker's view, to those who may read the project."""

    owner_department_path = "project__responsible_department"
    tenant_path = "project__tenant"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evidence"
    )
    report = models.ForeignKey(
        ProjectUpdate,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )

    objects = OwnedManager()

    class Meta(EvidenceFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
