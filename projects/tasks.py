"""Background work of the projects app (Celery; routed to the "bulk" queue)."""

import logging

from celery import shared_task

from .tallies import check

logger = logging.getLogger(__name__)


@shared_task(name="projects.check_tallies")
def check_tallies(tenant=None, repair=False):
    """Recount the tallies (projects, key tasks); log and return how many cells differed
    (0: exact)."""
    found = check(tenant, repair=repair)
    if found:
        logger.error(
            "Tallies: %d cells differ from the rows%s; first: %r",
            len(found),
            " (rebuilt)" if repair else "",
            found[0],
        )
    return len(found)
