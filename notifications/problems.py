"""Open problems (困难问题) in the weekly digests, oldest first.

Each department's digest lists the open problems it raised, coordinates or supports; the
supervisors' digest lists all of them. They come from the sources named in
``TRACKER_OPEN_PROBLEM_SOURCES`` (``sources.ProblemSource``), read in one pass into
bounded lists (``listing.Listing``): the oldest problems and how many there are in all,
so neither the queries nor the emails grow with the number of problems.
"""

from collections import defaultdict

from . import cities
from .emails import absolute, item_url
from .listing import Listing
from .sources import open_problems, problem_lists


def by_age(problem):
    return (problem.opened_on, problem.key)


def problem_links(problems, today):
    return [
        {"item": problem, "url": item_url(problem), "days_open": problem.days_open(today)}
        for problem in problems
    ]


def problem_listing(limit=None):
    return Listing(by_age, limit, link=problem_links)


class Problems:
    """A city's open problems of every source: all of them, and each department's
    (``city``: default the city acted for; none: every city's, a superuser's request)."""

    def __init__(self, city=None):
        self.city = city or cities.current()
        self.everyone = problem_listing()
        self.by_department = defaultdict(problem_listing)

    def found(self):
        if self.city is None:
            return ((problem, problem.department_ids) for problem in open_problems())
        return self.city.open_problems()

    def collect(self):
        for problem, department_ids in self.found():
            self.everyone.add(problem)
            for department_id in department_ids:
                self.by_department[department_id].add(problem)
        return self


def problem_section(listing, today, limit=None):
    """A list of problems for an email's context: the oldest ``limit``, the total, the
    links to the lists of them all."""
    return {
        **listing.section(today, limit),
        "lists": [(what, absolute(path)) for what, path in problem_lists()],
    }
