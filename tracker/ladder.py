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


def rung_reached(due_on, today, rungs, calendar):
    """The highest rung an item due on ``due_on`` has reached on ``today`` (None: none yet).

    ``working_days`` of a rung counts from the deadline: -3 is reached three working days
    before it, 0 on the day, 3 after three working days overdue.
    """
    offset = calendar.workdays_between(due_on, today)
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
