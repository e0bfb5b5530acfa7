"""While PostgreSQL cannot be reached, answer 503 with Retry-After, never a 500 page.

A database restart, a failover or a pooler dropping connections makes the next query raise
``django.db.OperationalError`` or ``InterfaceError`` (psycopg's error is its ``__cause__``).
Nothing is wrong with the request, so the caller is told to try again shortly: JSON under
/api/ (what API clients parse), a small page elsewhere (the admin, the dashboard). Each
such answer is logged as one warning line naming the cause; a traceback per request would
bury the log during an outage. The first request after the database is back works:
``CONN_HEALTH_CHECKS`` (settings) makes Django test a reused connection before using it.

Views raise the error (the session and the user are loaded lazily, in the view), so
``process_exception`` sees it; DRF's views hand it to ``core.rest.exceptions``, which asks
``outage_response`` for the same answer.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client should wait: a PostgreSQL restart takes a few, a failover tens.
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"
# SQLSTATE classes that mean "no usable connection", not "this query is wrong": connection
# exceptions (08…), the server shutting down or starting up (57P01-57P03), too many
# connections (53300). psycopg reports a refused or dropped connection with no SQLSTATE.
CONNECTION_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def connection_lost(exc):
    """Whether ``exc`` says the database connection is gone, rather than a query failed.

    Only PostgreSQL's errors count (their psycopg cause has ``sqlstate``): SQLite's
    OperationalError ("no such table", "database is locked") is a fault of its own.
    """
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    cause = exc.__cause__
    if not hasattr(cause, "sqlstate"):
        return False
    return isinstance(exc, InterfaceError) or (
        cause.sqlstate is None or cause.sqlstate.startswith(CONNECTION_SQLSTATES)
    )


def describe(exc):
    """The cause on one line: psycopg's messages span several."""
    cause = exc.__cause__ or exc
    return " ".join(f"{type(cause).__name__}: {cause}".split())


def message():
    return _(
        "The database cannot be reached at the moment. Please try again in a few seconds; "
        "if you were saving something, check afterwards whether it was saved."
    )


def outage_response(request, exc, *, json=None):
    """The 503 for ``request``; logs one line. ``json`` forces the format (DRF: True)."""
    logger.warning(
        "database unavailable, answered 503 to %s %s: %s",
        request.method,
        request.path,
        describe(exc),
    )
    if json is None:
        json = request.path.startswith(API_PREFIX)
    if json:
        response = JsonResponse({"detail": message()}, status=503)
    else:
        response = HttpResponse(
            format_html(
                '<!doctype html><html lang="{}"><head><meta charset="utf-8">'
                "<title>{}</title></head><body><h1>{}</h1><p>{}</p></body></html>",
                get_language() or "zh-hans",
                _("Service temporarily unavailable"),
                _("Service temporarily unavailable"),
                message(),
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    """Turns a lost database connection raised by a view into a 503 with Retry-After.

    Placed after LocaleMiddleware, so that the message follows the caller's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if connection_lost(exception):
            return outage_response(request, exception)
        return None
