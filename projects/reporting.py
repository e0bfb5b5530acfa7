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

from core.streaming import chunks
from notifications.sources import OWED_REPORT, ChangePaths, OwedItem, changelist_path
from tracker.choices import ReportingCycle
from tracker.reporting import missed_cut_offs, of_acting_city

from .choices import REPORTING_STAGES
from .models import Project, ProjectUpdate


def reporting_projects():
    """The acting city's key projects that report (tracker.reporting.of_acting_city)."""
    return (
        of_acting_city(Project.objects.all())
        .filter(is_key=True, stage__in=REPORTING_STAGES)
        .exclude(reporting_cycle=ReportingCycle.NONE)
        .only("pk", "code", "name", "responsible_department_id", "created_at", "reporting_cycle")
    )


class KeyProjectReporting:
    """Key projects: their responsible department owes a report per cycle."""

    kind = _("key project")
    plural = _("key projects")
    change_path = ChangePaths("admin:projects_project_change")

    def missing_list_path(self, department_id):
        changelist = changelist_path("admin:projects_project_changelist")
        return f"{changelist}?responsible_department__id__exact={department_id}&is_key__exact=1"

    def missing(self, moment, calendar):
        for project, cycle, reported in self.missed(moment, calendar):
            yield OwedItem(
                key=f"project:{project.pk}",
                kind=str(self.kind),
                what=OWED_REPORT,
                code=project.code,
                title=project.name,
                department_id=project.responsible_department_id,
                cutoff=cycle.cutoff,
                last_reported_at=reported,
                admin_path=self.change_path(project.pk),
            )

    def missed(self, moment, calendar):
        # Key projects in keyset chunks (one reports query per chunk): at province scale
        # they are too many to hold, and no server-side cursor is needed.
        for projects in chunks(reporting_projects()):
            yield from missed_cut_offs(
                projects,
                reports=ProjectUpdate,
                on="project",
                default_cycle=settings.TRACKER_PROJECT_REPORT_CYCLE,
                opened_at=lambda project: project.created_at,
                moment=moment,
                calendar=calendar,
            )
