import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from core.client_ip import client_ip

from ..models import ApiToken


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Requests made with a token are limited per token (settings: ``token`` rate)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class InvalidTokenLimit:
    """Counts invalid tokens per client address (setting ``API_INVALID_TOKEN_RATE``), so that
    nobody can try keys at the speed of the network: past the limit, the address is refused
    until the window ends, before its token is even looked up.

    Fixed windows in the shared cache (Redis in production, so every web process counts
    together): one ``incr`` per failure, one ``get`` per request with a token. Like the
    token throttle, it fails open while Redis is down (core.cache: the cache then answers
    "nothing counted"), so an outage of Redis lifts the limits instead of stopping the API.
    """

    key_prefix = "api-invalid-token"

    def __init__(self, request):
        self.address = client_ip(request) or "unknown"
        self.limit, self.period = SimpleRateThrottle.parse_rate(
            None, settings.API_INVALID_TOKEN_RATE
        )
        now = time.time()
        window = int(now // self.period)
        self.key = f"{self.key_prefix}:{self.address}:{window}"
        self.seconds_left = max(1, int((window + 1) * self.period - now))

    def exceeded(self):
        return (cache.get(self.key) or 0) >= self.limit

    def count_failure(self):
        # add() first: incr() fails on a missing key; the window's end makes it expire.
        cache.add(self.key, 0, timeout=self.period + 1)
        try:
            cache.incr(self.key)
        except ValueError:  # expired between add() and incr(): the next window starts
            cache.add(self.key, 1, timeout=self.period + 1)
