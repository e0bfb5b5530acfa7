"""``?format=``: one of the formats the schema lists, never an empty one."""

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings


class StrictFormatNegotiation(DefaultContentNegotiation):
    """DRF answers an unknown ``?format=abc`` with a 404 but reads ``?format=`` as "no
    format given"; the schema lists the formats, so an empty one is as unknown as ``abc``."""

    def select_renderer(self, request, renderers, format_suffix=None):
        query_format = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
        if format_suffix is None and query_format == "":
            raise Http404
        return super().select_renderer(request, renderers, format_suffix)
