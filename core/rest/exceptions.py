import traceback

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler

from core.db_outage import connection_lost, outage_response


def raised_by_a_parser(exc):
    """Whether ``exc`` came out of a DRF parser reading the request body.

    DRF's parsers turn a ValueError into a 400 and let anything else through as a 500, but
    a body nested 100,000 arrays deep makes json raise RecursionError, which is just as
    much the client's bad input.
    """
    return any(
        frame.filename.replace("\\", "/").endswith("rest_framework/parsers.py")
        for frame in traceback.extract_tb(exc.__traceback__)
    )


def tracker_exception_handler(exc, context):
    """Errors as JSON, whatever format was asked for (a CSV of an error helps nobody).

    A service's ValidationError is a 400 with a message per field, like a serializer's; a
    body no parser can read (too deeply nested, say) is a 400 too. A lost database
    connection is a 503 with Retry-After (core.db_outage), not DRF's re-raise into a 500.
    """
    if connection_lost(exc):
        return outage_response(context["request"], exc, json=True)
    if not isinstance(exc, exceptions.APIException) and raised_by_a_parser(exc):
        exc = exceptions.ParseError(
            _("The request body cannot be read: it is malformed or nested too deeply.")
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        detail = {("non_field_errors" if k == "__all__" else k): v for k, v in detail.items()}
        exc = exceptions.ValidationError(detail)
    response = exception_handler(exc, context)
    if response is not None:
        request = context["request"]
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response
