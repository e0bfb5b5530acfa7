"""The page a locked-out login gets (django-axes calls ``lockout_response``).

It says, in the user's language, when to try again and whom to ask for an earlier unlock.
Every refused attempt during a lockout starts the cool-off anew (axes'
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so "now + cool-off" is the time to retry.
"""

import math

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    cool_off = settings.AXES_COOLOFF_TIME
    seconds = int(cool_off.total_seconds())
    context = {
        # The admin's header and language switch, as on the login page itself.
        **admin.site.each_context(request),
        # Without it the admin's sidebar would tell the visitor they may see nothing.
        "is_nav_sidebar_enabled": False,
        "title": _("Too many failed logins"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "retry_at": timezone.localtime() + cool_off,
        "minutes": math.ceil(seconds / 60),
    }
    response = render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(seconds)
    return response
