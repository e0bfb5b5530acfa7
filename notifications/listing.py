"""The items an email lists: the most urgent first, the rest counted, with links."""

from django.conf import settings

from .emails import absolute, item_url
from .sources import overdue_lists


class Listing:
    """The first ``limit`` items of a list in ``order``, and how many there are in all.

    An email lists the most urgent items and counts the rest, with a link to them all:
    so neither its size nor the memory to build it grows with the number of items.
    """

    def __init__(self, order, limit=None, link=None):
        self.order, self.limit = order, limit or settings.TRACKER_EMAIL_ROWS
        self.link = link or with_links  # items -> rows, each with its link
        self.total, self._kept = 0, []

    def add(self, item):
        self.total += 1
        self._kept.append(item)
        if len(self._kept) >= 2 * self.limit:  # trim now and then: amortised, bounded
            self._kept = sorted(self._kept, key=self.order)[: self.limit]

    def add_top(self, items, total):
        """Items already cut in SQL (a source's most urgent, ``sources.top_per_department``)
        and how many there are in all, of which they are the first."""
        self.total += total
        self._kept.extend(items)
        if len(self._kept) >= 2 * self.limit:
            self._kept = sorted(self._kept, key=self.order)[: self.limit]

    def items(self):
        return sorted(self._kept, key=self.order)[: self.limit]

    def section(self, today, limit=None):
        rows = self.link(self.items()[: limit or self.limit], today)
        return {"rows": rows, "total": self.total, "more": self.total - len(rows)}


def by_deadline(item):
    return (item.due_on, item.code)


def by_completion(item):
    return (item.completed_on, item.code)


def with_links(items, today):
    return [
        {
            "item": item,
            "url": item_url(item),
            "days_overdue": item.days_overdue(today),
            "days_left": -item.days_overdue(today),
        }
        for item in items
    ]


def department_lists(department_id):
    """[(what, absolute URL)] of the department's overdue lists, one per source."""
    return [(what, absolute(path)) for what, path in overdue_lists(department_id)]
