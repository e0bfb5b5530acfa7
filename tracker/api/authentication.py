from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiToken
from ..services import token_digest
from .throttling import InvalidTokenLimit

# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION_SECONDS = 60


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <key>`` (or ``Token <key>``) with a token made in the admin."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        limit = InvalidTokenLimit(request)
        if limit.exceeded():
            raise exceptions.Throttled(
                wait=limit.seconds_left,
                # DRF joins it with the wait in words, so it must be a str already.
                detail=str(_("Too many invalid tokens from this address; try again later.")),
            )
        if len(header) != 2:
            limit.count_failure()
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        # get(), not first(): the digest is unique, and first()'s ORDER BY costs a request
        # a fifth of its token look-up in the ORM.
        try:
            token = (
                ApiToken.objects.active()
                .select_related("user", "user__official")
                .get(digest=token_digest(header[1]))
            )
        except ApiToken.DoesNotExist:
            token = None
        if token is None or not token.user.is_active:
            limit.count_failure()
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token created by a supervisor in the admin (API tokens); "
            "read-only or read-write.",
        }
