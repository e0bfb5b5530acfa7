"""Key tasks as a deadline source for reminders and digests (``notifications.sources``).

The one place tracker imports notifications: to implement its source contract.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.sources import ChangePaths, DeadlineItem, DeadlineSource, of_acting_tenant

from .choices import CHASED_TASK_STATES, TaskStatus
from .models import KeyTask


class KeyTaskDeadlines(DeadlineSource):
    """Key tasks: owed by their lead department until done or cancelled."""

    kind = _("key task")
    plural = _("key tasks")
    change_path = ChangePaths("admin:tracker_keytask_change")

    def overdue_list_path(self, department_id):
        changelist = reverse("admin:tracker_keytask_changelist")
        return f"{changelist}?lead_department__id__exact={department_id}&overdue=yes"

    def item(self, task, completed_on=None):
        return DeadlineItem(
            key=f"task:{task.pk}",
            kind=str(self.kind),
            code=task.code,
            title=task.title,
            department_id=task.lead_department_id,
            due_on=task.deadline,
            admin_path=self.change_path(task.pk),
            completed_on=completed_on,
        )

    def open_items(self, due_by):
        # A task awaiting close-out waits on the supervisors, not on its department.
        tasks = of_acting_tenant(KeyTask.objects).filter(
            state__in=CHASED_TASK_STATES, deadline__lte=due_by
        )
        for task in tasks.only("pk", "code", "title", "lead_department_id", "deadline").iterator():
            yield self.item(task)

    def completed_items(self, start, end):
        tasks = of_acting_tenant(KeyTask.objects).filter(
            status=TaskStatus.DONE, completed_on__gte=start, completed_on__lte=end
        )
        for task in tasks.iterator():
            yield self.item(task, completed_on=task.completed_on)
