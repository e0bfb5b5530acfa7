"""The address of the person making a request, for lockouts, rate limits and /healthz.

Behind a reverse proxy every request reaches gunicorn from the proxy, so REMOTE_ADDR alone
would count every user's failed logins against one address and lock out the whole city at
once. ``TRACKER_PROXY_COUNT`` says how many proxies stand in front of the web process; each
appends the address it saw to ``X-Forwarded-For``, so the client is the entry that many
places from the right. Entries further left were written by the client and are never
trusted. With no proxy (the default, 0) the header is ignored and REMOTE_ADDR is the client.
"""

from django.conf import settings


def client_ip(request):
    count = getattr(settings, "TRACKER_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            return forwarded[-min(count, len(forwarded))]
    return request.META.get("REMOTE_ADDR") or None
