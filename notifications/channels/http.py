"""What the HTTP channels (webhooks, group robots) share: one session per delivery run,
bounded waits, no redirects, and credentials masked wherever a URL is shown."""

import re

import requests
from django.conf import settings

USER_AGENT = "tracker-webhooks/1"

# Query parameters that carry a credential: WeCom's key, DingTalk's access_token and
# signature; never written to last_error, the log or a list.
SECRET_PARAMETERS = re.compile(r"(?i)\b(key|access_token|sign|token|secret)=([^&#\s]+)")


def session():
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    # Proxies from the environment would send government data through them unasked.
    http.trust_env = False
    return http


def timeout():
    """(connect, read) seconds; a receiver that takes longer counts as down for the run."""
    return (min(3, settings.TRACKER_WEBHOOK_TIMEOUT), settings.TRACKER_WEBHOOK_TIMEOUT)


def post(http, url, **kwargs):
    """POST without following redirects (a receiver may not bounce us elsewhere)."""
    return http.post(url, timeout=timeout(), allow_redirects=False, **kwargs)


def mask(text):
    """``text`` with every credential in a URL replaced by ***."""
    return SECRET_PARAMETERS.sub(lambda m: f"{m.group(1)}=***", str(text))
