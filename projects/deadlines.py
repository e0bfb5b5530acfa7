"""Project milestones as a deadline source (see notifications.sources).

A signed project owes the start of construction by its planned start date; a project
under construction owes production by its planned production date.
"""

from django.utils.translation import gettext_lazy as _

from notifications.item_queries import ItemQuery, QueriedSource
from notifications.sources import (
    ChangePaths,
    DeadlineItem,
    DeadlineSource,
    changelist_path,
    of_acting_tenant,
)

from .choices import PRODUCTION_MILESTONE, START_MILESTONE
from .models import Project

MILESTONES = [
    # (key prefix, what is owed, stage that owes it, planned date, actual date)
    ("project-start", _("start of construction"), *START_MILESTONE),
    ("project-production", _("start of production"), *PRODUCTION_MILESTONE),
]


class MilestoneDeadlines(QueriedSource, DeadlineSource):
    plural = _("project milestones")
    change_path = ChangePaths("admin:projects_project_change")

    def overdue_list_path(self, department_id):
        changelist = changelist_path("admin:projects_project_changelist")
        return (
            f"{changelist}?responsible_department__id__exact={department_id}&milestone_overdue=yes"
        )

    def item(self, row, prefix, label, completed_on=None):
        pk, code, name, department_id, due_on = row[:5]
        return DeadlineItem(
            key=f"{prefix}:{pk}",
            kind=str(label),
            code=code,
            title=name,
            department_id=department_id,
            due_on=due_on,
            admin_path=self.change_path(pk),
            completed_on=completed_on,
        )

    FIELDS = ("pk", "code", "name", "responsible_department_id")

    def open_queries(self, due_by):
        for prefix, label, stage, planned, _actual in MILESTONES:
            projects = of_acting_tenant(Project.objects).filter(
                stage=stage, **{f"{planned}__lte": due_by}
            )
            kind = str(label)  # translated once per run, not per item
            yield ItemQuery(
                projects,
                (*self.FIELDS, planned),
                lambda row, prefix=prefix, kind=kind: self.item(row, prefix, kind),
                department="responsible_department_id",
                date=planned,
                department_first=True,  # projects.models.deadline_indexes
            )

    def completed_queries(self, start, end):
        for prefix, label, _stage, planned, actual in MILESTONES:
            projects = of_acting_tenant(Project.objects).filter(
                **{f"{actual}__gte": start, f"{actual}__lte": end, f"{planned}__isnull": False}
            )
            kind = str(label)
            yield ItemQuery(
                projects,
                (*self.FIELDS, planned, actual),
                lambda row, prefix=prefix, kind=kind: self.item(row, prefix, kind, row[5]),
                department="responsible_department_id",
                date=actual,
            )
