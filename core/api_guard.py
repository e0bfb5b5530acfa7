"""Under /api/ every answer is JSON and no input a client sends makes a 500.

Django answers some requests before any API view runs, and with DEBUG on it answers them
with HTML debug pages: a path no route matches (404), a POST to a path missing its
trailing slash (a RuntimeError from CommonMiddleware), a query string with too many
fields (400). This middleware answers those itself, in JSON, and turns any other error
page under /api/ into JSON with the same status. It also refuses query values too long to
be a filter: a search of thousands of words becomes an SQL expression deeper than SQLite
allows (a 500) and a needlessly slow query on PostgreSQL.

Bodies are left to the API views, so that an anonymous caller gets 401 before its body is
read; core.rest.exceptions turns what the parsers choke on into a 400.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
# Longer than any id list, date, code or search a person types; short enough that a
# search of single letters stays within SQLite's expression depth (about 500 words).
MAX_QUERY_VALUE_LENGTH = 1000


def error(status, detail):
    return JsonResponse({"detail": detail}, status=status)


def resolves(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def unknown_path(request):
    """A JSON 404 for a path no route serves; None when a route does (or will, with the
    slash that CommonMiddleware redirects a GET to)."""
    path = request.path_info
    if resolves(path):
        return None
    if (
        settings.APPEND_SLASH
        and request.method in ("GET", "HEAD")
        and not path.endswith("/")
        and resolves(f"{path}/")
    ):
        return None
    return error(404, _("Not found."))


def bad_query(request):
    """A JSON 400 naming the query parameters whose values are too long, or None."""
    try:
        too_long = sorted(
            {
                key
                for key, values in request.GET.lists()
                if any(len(value) > MAX_QUERY_VALUE_LENGTH for value in values)
            }
        )
    except SuspiciousOperation:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        return error(400, _("Too many query parameters."))
    if not too_long:
        return None
    message = _("At most %(count)s characters.") % {"count": MAX_QUERY_VALUE_LENGTH}
    return JsonResponse({key: [message] for key in too_long}, status=400)


def is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


class ApiGuardMiddleware:
    """Placed after LocaleMiddleware (messages in the caller's language) and before
    CommonMiddleware (whose slash redirect fails on a POST when DEBUG is on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        refusal = unknown_path(request) or bad_query(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if response.status_code >= 400 and not is_json(response):
            # Django's own error pages (HTML, and with DEBUG on a debug page) for what
            # failed outside the API views: the same status, in the API's format.
            detail = {
                400: _("Bad request."),
                403: _("You do not have permission to perform this action."),
                404: _("Not found."),
            }.get(response.status_code, response.reason_phrase)
            if response.status_code >= 500:
                detail = _("Server error.")
            return error(response.status_code, detail)
        return response
