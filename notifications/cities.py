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
