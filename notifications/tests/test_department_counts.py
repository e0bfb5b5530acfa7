"""One department's items and every department's counts, asked of the database: a
department's phone page reads its own open items and owed reports (not its whole city's,
tens of thousands at province scale), and the office page and the department panel count
them per department in SQL. Each must agree with reading every item, on the demo's data
(both demo cities, every source)."""

import dataclasses
import datetime
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import acting_for
from notifications.ladder import rung_counts
from notifications.owed import count_owed, end_of_day, owed_items
from notifications.recipients import city_codes
from notifications.sources import OWED_RECEIPT, count_open, missing_reports, open_items
from tracker.deadline_source import KeyTaskDeadlines
from tracker.ladder import active_rungs, rung_reached
from tracker.models import KeyTask
from workdays.calendar import calendar as workday_calendar

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime.date(2026, 11, 23)
HORIZON = DEMO_TODAY + datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def demo(demo_once):
    return demo_once


def each_city():
    """None (every city: a superuser, a shell), then each city acted for."""
    yield None
    for code in city_codes():
        with acting_for(code):
            yield code


def test_the_demo_gives_every_count_something_to_count():
    items = list(open_items(HORIZON))
    owed = list(owed_items(end_of_day(DEMO_TODAY), workday_calendar()))

    assert len({item.department_id for item in items}) >= 5
    assert {item.key.split(":")[0] for item in items} >= {"task", "project-start", "blocker"}
    assert {item.what for item in owed} == {OWED_RECEIPT, "report"}
    assert {item.key.split(":")[0] for item in owed} == {"task", "project"}
    assert len(city_codes()) == 2


def test_open_items_are_counted_per_department_and_date_in_sql():
    for _city in each_city():
        items = list(open_items(HORIZON))

        assert count_open(HORIZON) == Counter(item.department_id for item in items)
        assert count_open(HORIZON, by_date=True) == Counter(
            (item.department_id, item.due_on) for item in items
        )


def test_one_departments_open_items_are_narrowed_in_sql():
    for _city in each_city():
        items = list(open_items(HORIZON))
        for department_id in {item.department_id for item in items}:
            with CaptureQueriesContext(connection) as captured:
                own = list(open_items(HORIZON, department_id))

            assert own == [item for item in items if item.department_id == department_id]
            for query in captured:  # each source's query names the department
                assert f'department_id" = {department_id}' in query["sql"], query["sql"]


class KeyTasksTheOldWay(KeyTaskDeadlines):
    """A source that describes its queries but keeps the protocol's ``open_items(due_by)``."""

    def open_items(self, due_by):
        return super().open_items(due_by)


def test_a_source_with_queries_but_the_protocols_open_items_is_narrowed_too(settings):
    items = list(open_items(HORIZON))
    settings.TRACKER_DEADLINE_SOURCES = [f"{__name__}.KeyTasksTheOldWay"]
    tasks = [item for item in items if item.key.startswith("task:")]
    department_id = tasks[0].department_id

    own = list(open_items(HORIZON, department_id))

    assert own == [item for item in tasks if item.department_id == department_id]


def test_owed_reports_and_receipts_are_counted_per_department():
    moment, calendar = end_of_day(DEMO_TODAY), workday_calendar()
    for _city in each_city():
        expected = defaultdict(lambda: {"reports": 0, "receipts": 0})
        for item in owed_items(moment, calendar):
            expected[item.department_id][
                "receipts" if item.what == OWED_RECEIPT else "reports"
            ] += 1

        assert count_owed(moment, calendar) == dict(expected)


def test_one_departments_owed_reports_are_narrowed_in_sql():
    moment, calendar = end_of_day(DEMO_TODAY), workday_calendar()
    for _city in each_city():
        everything = list(missing_reports(moment, calendar))
        for department_id in {item.department_id for item in everything}:
            with CaptureQueriesContext(connection) as captured:
                own = list(missing_reports(moment, calendar, department_id))
            narrowed = [q for q in captured if f'department_id" = {department_id}' in q["sql"]]

            assert len(narrowed) >= 2  # the key tasks' and the key projects' owed reports

            assert sorted(own, key=str) == sorted(
                (item for item in everything if item.department_id == department_id), key=str
            )


def test_the_owed_reports_count_only_the_city_acted_for():
    moment, calendar = end_of_day(DEMO_TODAY), workday_calendar()
    everywhere = count_owed(moment, calendar)
    by_city = {}
    for code in city_codes():
        with acting_for(code):
            by_city[code] = count_owed(moment, calendar)
    departments = [set(counts) for counts in by_city.values()]

    assert all(departments) and not departments[0] & departments[1]
    assert {pk: c for counts in by_city.values() for pk, c in counts.items()} == everywhere


def test_the_ladder_counts_agree_with_each_items_rung():
    calendar = workday_calendar()
    climbed = Counter()
    for code in city_codes():
        with acting_for(code):
            rungs = active_rungs(code)
            if not rungs:
                continue
            tasks = KeyTask.objects.for_tenants([code]).order_by("pk")
            for days, pk in enumerate(tasks.values_list("pk", flat=True)):
                late = DEMO_TODAY - datetime.timedelta(days=days % 40)
                KeyTask.objects.filter(pk=pk).update(deadline=late)  # spread over the rungs
            expected = defaultdict(Counter)
            for item in open_items(HORIZON):
                rung = rung_reached(item.due_on, DEMO_TODAY, rungs, calendar)
                if rung is not None:
                    expected[item.department_id][rung.working_days] += 1

            counted = rung_counts(DEMO_TODAY, calendar, rungs)

            assert dict(counted) == dict(expected)
            for counts in expected.values():
                climbed.update(counts)

    assert sum(climbed.values()) >= 10 and len(climbed) >= 3  # items on three rungs or more


def test_department_first_sources_cut_what_the_window_cuts():
    # Every source that reads its rows department first (the milestones and key tasks due)
    # gives the digest the same groups, totals and items in the same order as ranking
    # every row in a window, in every city and for a superuser.
    from notifications.item_queries import first_per_department, top_per_department
    from notifications.sources import sources

    def told(groups):
        return sorted((d, o, n, [item.key for item in items]) for d, o, n, items in groups)

    seen = set()
    for _city in each_city():
        for source in sources():
            for query in getattr(source, "open_queries", lambda due_by: ())(HORIZON):
                if not query.department_first:
                    continue
                windowed = dataclasses.replace(query, department_first=False)
                for limit, split in ((2, DEMO_TODAY), (20, DEMO_TODAY), (3, None)):
                    expected = told(top_per_department(windowed, limit, split))
                    assert told(first_per_department(query, limit, split)) == expected
                    if any(total > limit for _d, _o, total, _items in expected):
                        seen.add(type(source).__name__)  # some department was cut
    assert seen == {"MilestoneDeadlines", "KeyTaskDeadlines"}
