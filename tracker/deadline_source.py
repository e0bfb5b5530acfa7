"""Key tasks as a deadline source for reminders and digests (``notifications.sources``).

The one place tracker imports notifications: to implement its source contract.
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

from .choices import CHASED_TASK_STATES, TaskStatus
from .models import KeyTask


class KeyTaskDeadlines(QueriedSource, DeadlineSource):
    """Key tasks: owed by their lead department until done or cancelled."""

    kind = _("key task")
    plural = _("key tasks")
    change_path = ChangePaths("admin:tracker_keytask_change")

    def overdue_list_path(self, department_id):
        changelist = changelist_path("admin:tracker_keytask_changelist")
        return f"{changelist}?lead_department__id__exact={department_id}&overdue=yes"

    FIELDS = ("pk", "code", "title", "lead_department_id", "deadline")

    def item(self, row, completed_on=None, kind=None):
        pk, code, title, department_id, deadline = row[:5]
        return DeadlineItem(
            key=f"task:{pk}",
            kind=kind or str(self.kind),
            code=code,
            title=title,
            department_id=department_id,
            due_on=deadline,
            admin_path=self.change_path(pk),
            completed_on=completed_on,
        )

    def open_queries(self, due_by):
        # A task awaiting close-out waits on the supervisors, not on its department.
        tasks = of_acting_tenant(KeyTask.objects).filter(
            state__in=CHASED_TASK_STATES, deadline__lte=due_by
        )
        kind = str(self.kind)  # translated once per run, not per item
        yield ItemQuery(
            tasks,
            self.FIELDS,
            lambda row: self.item(row, kind=kind),
            department="lead_department_id",
            date="deadline",
            department_first=True,  # the index keytask_chased_by_department
        )

    def completed_queries(self, start, end):
        tasks = of_acting_tenant(KeyTask.objects).filter(
            status=TaskStatus.DONE, completed_on__gte=start, completed_on__lte=end
        )
        kind = str(self.kind)
        yield ItemQuery(
            tasks,
            (*self.FIELDS, "completed_on"),
            lambda row: self.item(row, completed_on=row[5], kind=kind),
            department="lead_department_id",
            date="completed_on",
        )
