"""Project milestones as a deadline source (see notifications.sources).

A signed project owes the start of construction by its planned start date; a project
under construction owes production by its planned production date.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.sources import ChangePaths, DeadlineItem, DeadlineSource, of_acting_tenant

from .choices import Stage
from .models import Project

MILESTONES = [
    # (key prefix, what is owed, stage that owes it, planned date, actual date)
    ("project-start", _("start of construction"), Stage.SIGNED, "planned_start_on", "started_on"),
    (
        "project-production",
        _("start of production"),
        Stage.UNDER_CONSTRUCTION,
        "planned_production_on",
        "produced_on",
    ),
]


class MilestoneDeadlines(DeadlineSource):
    plural = _("project milestones")
    change_path = ChangePaths("admin:projects_project_change")

    def overdue_list_path(self, department_id):
        changelist = reverse("admin:projects_project_changelist")
        return (
            f"{changelist}?responsible_department__id__exact={department_id}&milestone_overdue=yes"
        )

    def item(self, project, prefix, label, planned, completed_on=None):
        return DeadlineItem(
            key=f"{prefix}:{project.pk}",
            kind=str(label),
            code=project.code,
            title=project.name,
            department_id=project.responsible_department_id,
            due_on=getattr(project, planned),
            admin_path=self.change_path(project.pk),
            completed_on=completed_on,
        )

    def open_items(self, due_by):
        for prefix, label, stage, planned, _actual in MILESTONES:
            projects = of_acting_tenant(Project.objects).filter(
                stage=stage, **{f"{planned}__lte": due_by}
            )
            fields = ["pk", "code", "name", "responsible_department_id", planned]
            for project in projects.only(*fields).iterator():
                yield self.item(project, prefix, label, planned)

    def completed_items(self, start, end):
        for prefix, label, _stage, planned, actual in MILESTONES:
            projects = of_acting_tenant(Project.objects).filter(
                **{f"{actual}__gte": start, f"{actual}__lte": end, f"{planned}__isnull": False}
            )
            for project in projects.iterator():
                yield self.item(project, prefix, label, planned, getattr(project, actual))
