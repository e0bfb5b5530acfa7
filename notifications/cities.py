"""One run per city: what the beat plans (reminders, the ladder, digests) is planned for
each city tenant in turn, acting for it, from its own rows to its own people.

``each_city`` runs a plan once per city under ``core.tenancy.acting_for``: the deadline,
reporting and problem sources then read that city's rows only
(``sources.of_acting_tenant``), the dispatch rows made belong to it, and the recipients
are its own (``recipients``). ``City`` also keeps, of whatever the sources yield, only
what the city's own departments owe, so that a source which forgot the tenant still
tells nobody of another city's items.

Province tenants get no emails in this version: their users read the cities' records in
the admin and the API; nothing of a province's own is chased by email yet.
"""

from core.tenancy import acting_for, acting_tenant_id

from . import sources
from .item_queries import top_per_department
from .recipients import city_codes, department_ids


class City:
    """A city tenant's run: its code and its departments, read once."""

    def __init__(self, code):
        self.code = code
        self.department_ids = department_ids(code)

    def owns(self, item):
        return item.department_id in self.department_ids

    def open_items(self, due_by):
        return (item for item in sources.open_items(due_by) if self.owns(item))

    def top_open(self, due_by, today, limit):
        """Per department of the city and source: (department id, overdue, total, items),
        the ``limit`` most urgent open items due by ``due_by`` (overdue: due before
        ``today``), cut in SQL by the sources that can (``open_queries``), else read whole."""
        for source in sources.sources():
            if hasattr(source, "open_queries"):
                for query in source.open_queries(due_by):
                    yield from self.own(top_per_department(query, limit, today))
            else:
                yield from self.own(grouped(source.open_items(due_by), lambda i: i.due_on < today))

    def top_completed(self, start, end, limit):
        """Likewise the items completed between ``start`` and ``end``, overdue False."""
        for source in sources.sources():
            if hasattr(source, "completed_queries"):
                for query in source.completed_queries(start, end):
                    yield from self.own(top_per_department(query, limit))
            else:
                yield from self.own(grouped(source.completed_items(start, end), lambda i: False))

    def own(self, groups):
        return (group for group in groups if group[0] in self.department_ids)

    def completed_items(self, start, end):
        return (item for item in sources.completed_items(start, end) if self.owns(item))

    def missing_reports(self, moment, calendar, department_id=None):
        found = sources.missing_reports(moment, calendar, department_id)
        return (item for item in found if self.owns(item))

    def open_problems(self):
        """The city's open problems, each with only the city's departments involved."""
        for problem in sources.open_problems():
            involved = problem.department_ids & self.department_ids
            if involved:
                yield problem, involved


def grouped(items, is_overdue):
    """(department id, overdue, total, items) of a source's items read whole."""
    groups = {}
    for item in items:
        groups.setdefault((item.department_id, is_overdue(item)), []).append(item)
    for (department_id, overdue), found in groups.items():
        yield department_id, overdue, len(found), found


def each_city(plan, *args, **kwargs):
    """``plan(city, *args, **kwargs)`` for each city tenant, acting for it; the rows
    queued by all of them, city after city."""
    queued = []
    for code in city_codes():
        with acting_for(code):
            queued += plan(City(code), *args, **kwargs)
    return queued


def current():
    """The ``City`` a request or a run acts for; None when it acts for none (a superuser's
    request, a shell: every city's rows, as the sources then read them)."""
    code = acting_tenant_id()
    return None if code is None else City(code)
