"""The escalation ladder (督办升级): which rung an open item has reached, counted in working
days from its deadline on China's calendar. The rungs are ``EscalationRung`` rows that
supervisors edit; notifications sends each rung once per item to the rung's audience.
"""

from django.utils import timezone

from workdays.calendar import calendar as working_calendar

from .choices import CHASED_TASK_STATES
from .models import EscalationRung


def active_rungs():
    """The ladder, lowest rung first."""
    return list(EscalationRung.objects.filter(is_active=True).order_by("working_days"))


def working_days_after_deadline(due_on, today, calendar):
    """Working days from the deadline to ``today``: negative before it, 0 on the day.

    A deadline on a day off falls due on the next working day, as a report cut-off does: a
    task due on National Day is due when the offices open again, not the day before.
    """
    return calendar.workdays_between(calendar.next_workday(due_on), today)


def rung_reached(due_on, today, rungs, calendar):
    """The highest rung an item due on ``due_on`` has reached on ``today`` (None: none yet).

    ``working_days`` of a rung counts from the deadline: -3 is reached three working days
    before it, 0 on the day, 3 after three working days overdue.
    """
    offset = working_days_after_deadline(due_on, today, calendar)
    reached = None
    for rung in rungs:
        if offset >= rung.working_days:
            reached = rung
    return reached


class LoopContext:
    """What showing many tasks' place in the loop needs once (per page, per API request):
    the working-day calendar, the active ladder and the moment."""

    def __init__(self):
        self.calendar = working_calendar()
        self.rungs = active_rungs()
        self.now = timezone.now()
        self.today = timezone.localdate()

    def rung(self, task):
        """The rung an open task has reached (None: none yet, or not open)."""
        if task.state not in CHASED_TASK_STATES:
            return None
        return rung_reached(task.deadline, self.today, self.rungs, self.calendar)
