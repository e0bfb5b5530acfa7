"""Reports owed on a schedule (按期填报) by key projects.

A key project (``is_key``) that is still being brought in or built, neither in operation
nor dropped, owes one progress report per cycle: ``TRACKER_PROJECT_REPORT_CYCLE``
(weekly, by Friday 17:00) or its own ``reporting_cycle``. The rules are key tasks' own
(``tracker.reporting``): a report recorded since the cycle opened satisfies it, and a
project added during a cycle owes its first report at the next cut-off. Implements
``notifications.sources.ReportingSource``.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.sources import (
    OWED_REPORT,
    ChangePaths,
    OwedItem,
    QueriedReporting,
    changelist_path,
)
from tracker.choices import ReportingCycle
from tracker.reporting import of_acting_city, owed_query

from .choices import REPORTING_STAGES
from .models import Project, ProjectUpdate


def reporting_projects():
    """The acting city's key projects that report (tracker.reporting.of_acting_city)."""
    return (
        of_acting_city(Project.objects.all())
        .filter(is_key=True, stage__in=REPORTING_STAGES)
        .exclude(reporting_cycle=ReportingCycle.NONE)
    )


class KeyProjectReporting(QueriedReporting):
    """Key projects: their responsible department owes a report per cycle."""

    kind = _("key project")
    plural = _("key projects")
    change_path = ChangePaths("admin:projects_project_change")

    def missing_list_path(self, department_id):
        changelist = changelist_path("admin:projects_project_changelist")
        return f"{changelist}?responsible_department__id__exact={department_id}&is_key__exact=1"

    def owed_queries(self, moment, calendar):
        kind = str(self.kind)  # translated once per run, not per item
        yield owed_query(
            reporting_projects(),
            reports=ProjectUpdate,
            on="project",
            default_cycle=settings.TRACKER_PROJECT_REPORT_CYCLE,
            opened="created_at",
            moment=moment,
            calendar=calendar,
            fields=("pk", "code", "name", "responsible_department_id"),
            make=lambda row: self.item(row, kind),
            department="responsible_department_id",
        )

    def item(self, row, kind):
        pk, code, name, department_id, cutoff = row[:5]  # top_per_department adds more
        return OwedItem(
            key=f"project:{pk}",
            kind=kind,
            what=OWED_REPORT,
            code=code,
            title=name,
            department_id=department_id,
            cutoff=cutoff,
            last_reported_at=None,
            admin_path=self.change_path(pk),
        )
