from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiToken


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Requests made with a token are limited per token (settings: ``token`` rate)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
