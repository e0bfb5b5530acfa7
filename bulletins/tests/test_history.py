"""A past period is told as it was: problems by their steps up to the period's end, key tasks
by the loop's rule; and the content is gathered in a bounded number of queries."""

import datetime

import pytest
from django.utils import timezone

from bulletins.gather import gather_content, open_problems, overdue_tasks
from performance.periods import period_of
from projects.choices import BlockerAction, BlockerKind, BlockerState
from projects.models import Blocker, BlockerStep
from tracker.choices import TaskState, TaskStatus

pytestmark = pytest.mark.django_db


def moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def problem(project, department, title, raised, steps):
    """A problem raised on ``raised`` whose steps [(day, action, to_state)] happened then."""
    blocker = Blocker.objects.create(
        project=project,
        title=title,
        description="…",
        kind=BlockerKind.LAND,
        raising_department=department,
        state=steps[-1][2] if steps else BlockerState.OPEN,
        solved_on=next((d for d, _a, s in steps if s == BlockerState.SOLVED), None),
        coordinating_department=department if steps else None,
        deadline=datetime.date(2024, 3, 31) if steps else None,
    )
    Blocker.objects.filter(pk=blocker.pk).update(raised_at=moment(raised))
    history = [(raised, BlockerAction.RAISE, BlockerState.OPEN), *steps]
    for day, action, to_state in history:
        step = BlockerStep.objects.create(blocker=blocker, action=action, to_state=to_state)
        BlockerStep.objects.filter(pk=step.pk).update(at=moment(day))
    return blocker


def test_problems_open_at_the_period_end_as_they_were(project, department):
    solved_later = problem(
        project,
        department,
        "后来才解决",
        datetime.date(2023, 11, 2),
        [
            (datetime.date(2023, 11, 5), BlockerAction.ASSIGN, BlockerState.COORDINATING),
            (datetime.date(2024, 1, 10), BlockerAction.SOLVE, BlockerState.SOLVED),
        ],
    )
    problem(
        project,
        department,
        "早已解决",
        datetime.date(2023, 10, 1),
        [(datetime.date(2023, 10, 20), BlockerAction.SOLVE, BlockerState.SOLVED)],
    )
    problem(project, department, "次年才提出", datetime.date(2024, 1, 3), [])
    problem(project, department, "待协调", datetime.date(2023, 12, 30), [])
    december = open_problems(datetime.date(2023, 12, 31))
    assert [p.title for p in december] == ["后来才解决", "待协调"]
    assert december[0].coordinator == department.name and december[0].days_open == 59
    assert december[1].coordinator == "" and december[1].deadline is None
    assert solved_later.title not in [p.title for p in open_problems(datetime.date(2024, 1, 31))]


def test_key_tasks_overdue_at_the_period_end(task, other_task):
    # task: due 2023-06-30, never done; other_task: due 2023-09-30, done on 2023-10-15.
    type(other_task).objects.filter(pk=other_task.pk).update(
        status=TaskStatus.DONE,
        state=TaskState.CLOSED,
        progress=100,
        completed_on=datetime.date(2023, 10, 15),
    )
    september = overdue_tasks(period_of("month", datetime.date(2023, 9, 30)))
    assert [t.code for t in september] == [task.code]
    assert (
        september[0].days_overdue == (datetime.date(2023, 9, 30) - datetime.date(2023, 6, 30)).days
    )
    assert september[0].department == task.lead_department.name
    # In October the other task's deadline has passed, but it was done by the month's end.
    october = overdue_tasks(period_of("month", datetime.date(2023, 10, 31)))
    assert [t.code for t in october] == [task.code]


def test_the_content_takes_a_bounded_number_of_queries(
    project, task, department, django_assert_max_num_queries
):
    for index in range(5):
        problem(project, department, f"问题{index}", datetime.date(2023, 12, 1), [])
    with django_assert_max_num_queries(100):
        content = gather_content("month", datetime.date(2023, 12, 31))
    assert len(content.open_problems) == 5 and len(content.overdue_tasks) == 1
