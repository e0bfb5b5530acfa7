"""Celery task: the monthly bulletin's emails, thin over ``bulletins.mailing``.

Beat runs it every morning (the schedule ``每月通报 (monthly bulletin)``); only the month's
first working day plans anything, and the dispatch log's keys make each email go out once
however often it runs.
"""

from celery import shared_task

from notifications import services
from notifications.tasks import RETRY_ON_LOST_DATABASE, as_of, summary

from .mailing import plan_monthly


@shared_task(name="bulletins.send_monthly_bulletin", **RETRY_ON_LOST_DATABASE)
def send_monthly_bulletin(date=None):
    """Every morning (default 08:15): on the month's first working day, build each office's
    bulletin of last month if needed (every city's, and a province's with readers) and
    email it to that office's supervisors and leaders, acting for each office in turn."""
    return summary(*services.run(plan_monthly, as_of(date)))
