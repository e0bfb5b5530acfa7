"""Cooperation items as a deadline source (see notifications.sources).

An open item (planned or under way) with a deadline is owed by its department by that
date, and chased like a key task: daily reminders, the escalation ladder, the weekly
digests. Achieving it on or before the deadline is what the digests count as completed.
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

from .choices import OPEN_STATES, CooperationKind, CooperationState
from .models import CooperationItem

FIELDS = ["pk", "code", "title", "kind", "department_id", "deadline"]


def overdue_filter(queryset, today):
    """Open items past their deadline (the admin's "overdue" filter, the reminders' list)."""
    return queryset.filter(state__in=OPEN_STATES, deadline__lt=today)


def kind_label(kind):
    return str(CooperationKind(kind).label)


class CooperationDeadlines(QueriedSource, DeadlineSource):
    """Open cooperation items with a deadline: owed by their department."""

    plural = _("cooperation items")
    change_path = ChangePaths("admin:cooperation_cooperationitem_change")

    def overdue_list_path(self, department_id):
        changelist = changelist_path("admin:cooperation_cooperationitem_changelist")
        return f"{changelist}?department__id__exact={department_id}&overdue=yes"

    def item(self, row, completed_on=None):
        pk, code, title, kind, department_id, deadline = row[:6]
        return DeadlineItem(
            key=f"cooperation:{pk}",
            # What it is, for people: the kind names it better than "cooperation item".
            kind=kind_label(kind),
            code=code,
            title=title,
            department_id=department_id,
            due_on=deadline,
            admin_path=self.change_path(pk),
            completed_on=completed_on,
        )

    def open_queries(self, due_by):
        items = of_acting_tenant(CooperationItem.objects).filter(
            state__in=OPEN_STATES, deadline__lte=due_by
        )
        yield ItemQuery(items, tuple(FIELDS), self.item, "department_id", "deadline")

    def completed_queries(self, start, end):
        achieved = of_acting_tenant(CooperationItem.objects).filter(
            state=CooperationState.ACHIEVED,
            achieved_on__gte=start,
            achieved_on__lte=end,
            deadline__isnull=False,
        )
        yield ItemQuery(
            achieved,
            (*FIELDS, "achieved_on"),
            lambda row: self.item(row, completed_on=row[6]),
            department="department_id",
            date="achieved_on",
        )
