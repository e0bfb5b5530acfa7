"""Cooperation items as a deadline source (see notifications.sources).

An open item (planned or under way) with a deadline is owed by its department by that
date, and chased like a key task: daily reminders, the escalation ladder, the weekly
digests. Achieving it on or before the deadline is what the digests count as completed.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.sources import ChangePaths, DeadlineItem, DeadlineSource, of_acting_tenant

from .choices import OPEN_STATES, CooperationKind, CooperationState
from .models import CooperationItem

FIELDS = ["pk", "code", "title", "kind", "department_id", "deadline"]


def overdue_filter(queryset, today):
    """Open items past their deadline (the admin's "overdue" filter, the reminders' list)."""
    return queryset.filter(state__in=OPEN_STATES, deadline__lt=today)


class CooperationDeadlines(DeadlineSource):
    """Open cooperation items with a deadline: owed by their department."""

    plural = _("cooperation items")
    change_path = ChangePaths("admin:cooperation_cooperationitem_change")

    def overdue_list_path(self, department_id):
        changelist = reverse("admin:cooperation_cooperationitem_changelist")
        return f"{changelist}?department__id__exact={department_id}&overdue=yes"

    def item(self, item, completed_on=None):
        return DeadlineItem(
            key=f"cooperation:{item.pk}",
            # What it is, for people: the kind names it better than "cooperation item".
            kind=str(CooperationKind(item.kind).label),
            code=item.code,
            title=item.title,
            department_id=item.department_id,
            due_on=item.deadline,
            admin_path=self.change_path(item.pk),
            completed_on=completed_on,
        )

    def open_items(self, due_by):
        items = of_acting_tenant(CooperationItem.objects).filter(
            state__in=OPEN_STATES, deadline__lte=due_by
        )
        for item in items.only(*FIELDS).order_by("pk").iterator():
            yield self.item(item)

    def completed_items(self, start, end):
        achieved = of_acting_tenant(CooperationItem.objects).filter(
            state=CooperationState.ACHIEVED,
            achieved_on__gte=start,
            achieved_on__lte=end,
            deadline__isnull=False,
        )
        for item in achieved.only(*FIELDS, "achieved_on").order_by("pk").iterator():
            yield self.item(item, completed_on=item.achieved_on)
