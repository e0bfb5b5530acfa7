"""Deadlines from every source, for reminders and digests.

``settings.TRACKER_DEADLINE_SOURCES`` names the sources by dotted path, the way Django
names backends, so that ``tracker`` collects project milestones without importing
``projects``. A source has two methods:

- ``open_items(due_by)``: what is still owed and due on or before ``due_by``;
- ``completed_items(start, end)``: what was completed between the two dates (inclusive);
- ``overdue_list_path(department_id)``: the admin list of the department's overdue items.

Both yield ``DeadlineItem``s, lazily: a run over many thousands of items does not hold
them all in memory.
"""

import datetime
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_TASK_STATUSES, TaskStatus
from .models import KeyTask


@dataclass(frozen=True)
class DeadlineItem:
    key: str  # unique across sources, e.g. "task:12", "project-start:34"
    kind: str  # what it is, for people: 重点任务, 项目开工, ...
    code: str
    title: str
    department_id: int
    due_on: datetime.date
    admin_path: str
    completed_on: datetime.date | None = None

    def days_overdue(self, today):
        return (today - self.due_on).days


@cache
def sources():
    return [import_string(path)() for path in settings.TRACKER_DEADLINE_SOURCES]


def open_items(due_by):
    for source in sources():
        yield from source.open_items(due_by)


def completed_items(start, end):
    for source in sources():
        yield from source.completed_items(start, end)


def overdue_lists(department_id):
    """[(what, admin path)] of the department's overdue items, one list per source."""
    return [(str(source.plural), source.overdue_list_path(department_id)) for source in sources()]


class ChangePaths:
    """Admin change-page paths by id without a URL resolution per item: a reminder run
    over tens of thousands of items would spend seconds in reverse()."""

    def __init__(self, url_name):
        self.url_name = url_name

    def __call__(self, pk):
        if not hasattr(self, "template"):
            self.template = reverse(self.url_name, args=["0"]).replace("/0/", "/{}/")
        return self.template.format(pk)


class KeyTaskDeadlines:
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
        tasks = KeyTask.objects.filter(status__in=OPEN_TASK_STATUSES, deadline__lte=due_by)
        for task in tasks.only("pk", "code", "title", "lead_department_id", "deadline").iterator():
            yield self.item(task)

    def completed_items(self, start, end):
        tasks = KeyTask.objects.filter(
            status=TaskStatus.DONE, completed_on__gte=start, completed_on__lte=end
        )
        for task in tasks.iterator():
            yield self.item(task, completed_on=task.completed_on)
