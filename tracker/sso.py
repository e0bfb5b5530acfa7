"""Single sign-on over OpenID Connect (mozilla-django-oidc): the government's identity
provider vouches for an official, and the tracker finds or makes their account.

The backend subclasses mozilla-django-oidc's, which subclasses Django's ModelBackend: with
local passwords off (TRACKER_LOCAL_PASSWORDS=false, ModelBackend no longer listed) it still
answers ``has_perm``, so an official signed in through the provider keeps their group's
permissions in the admin. What the login may do is decided in ``tracker.sso_accounts``.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import sso_accounts

logger = logging.getLogger(__name__)


def identity_from(claims):
    return sso_accounts.identity_from(
        claims,
        username_claim=settings.TRACKER_OIDC_USERNAME_CLAIM,
        name_claim=settings.TRACKER_OIDC_NAME_CLAIM,
        department_claim=settings.TRACKER_OIDC_DEPARTMENT_CLAIM,
        groups_claim=settings.TRACKER_OIDC_GROUPS_CLAIM,
        group=settings.TRACKER_OIDC_SUPERVISOR_GROUP,
        # Empty (the default): one city, everyone signs on into TRACKER_CITY_CODE's.
        tenant_claim=getattr(settings, "TRACKER_OIDC_TENANT_CLAIM", ""),
    )


class OfficialOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of the authorization-code flow (PKCE, nonce, state) and
    nothing else: a password form's credentials never reach the provider."""

    def authenticate(self, request, **kwargs):
        # Only mozilla-django-oidc's callback view passes the nonce it kept in the session;
        # a password form (username, password) must not trigger a code exchange, even on a
        # URL that carries ?code=&state=.
        if request is None or "nonce" not in kwargs or {"username", "password"} & kwargs.keys():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as error:
            # A token that fails the nonce, signature, audience or issuer check: a forged or
            # replayed callback. Refused like a wrong password, so django-axes counts it.
            logger.warning("Single sign-on refused: %s", error)
            return None
        except (
            requests.RequestException,
            jwt.InvalidTokenError,
            jwt.PyJWKError,
            ValueError,
            KeyError,
        ) as error:
            # The provider is down or slow (OIDC_TIMEOUT), refused the code (a forged or
            # replayed callback), or answered with something that is not a token: the login
            # fails like a wrong password (and django-axes counts it), never a 500.
            logger.warning("Single sign-on failed: %s", type(error).__name__)
            return None

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature, expiry and nonce; the audience and the
        issuer are checked here, so that a token the provider made for another system is
        not accepted by this one."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not for this client.")
        if payload.get("azp", self.OIDC_RP_CLIENT_ID) != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token was issued to another party.")
        issuer = settings.OIDC_OP_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def verify_claims(self, claims):
        # Checked for real (and refused with a reason in the log) in filter_users_by_claims.
        return isinstance(claims, dict)

    def describe_user_by_claims(self, claims):
        return f"username {claims.get(settings.TRACKER_OIDC_USERNAME_CLAIM)!r}"

    def filter_users_by_claims(self, claims):
        # Matched on the username claim (the default would match on email, which an
        # official may share or change); at most one account, never a superuser's.
        self.identity = identity_from(claims)
        user = sso_accounts.matching_user(self.identity)
        return [user] if user is not None else []

    def create_user(self, claims):
        user = sso_accounts.create_official_from_sso(self.identity)
        logger.info("Single sign-on created the official %s.", user.username)
        return user

    def update_user(self, user, claims):
        return sso_accounts.update_official_from_sso(user, self.identity)

    def get_user(self, user_id):
        # Like ModelBackend (mozilla-django-oidc's returns inactive users too): a
        # deactivated official's session ends at their next request.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def lockout_parameters(request, credentials=None):
    """django-axes' lockout parameters (AXES_LOCKOUT_PARAMETERS): per username and per
    address for a password login, per address only for a single sign-on callback.

    A callback carries no username; with "username" among the parameters axes would count
    every failed callback, from anywhere, against one shared "no username", and five forged
    callbacks would lock everyone out of single sign-on.
    """
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    username = (credentials or {}).get(field)
    if username is None and hasattr(request, "POST"):
        username = request.POST.get(field)
    elif username is None:
        username = getattr(request, "username", None)  # axes passes a stored attempt too
    return ["username", "ip_address"] if username else ["ip_address"]


# The password forms (the admin's, /api-auth/login/'s, the phone page's) refuse at once when
# local passwords are off (TRACKER_LOCAL_PASSWORDS=false): the password is never checked, so
# there is nothing to guess and nothing for django-axes to count, and the user is told why
# in their language. The login templates hide the form then and show the sign-on button.
LOCAL_PASSWORDS_OFF = _(
    "Passwords are turned off here: log in with unified identity authentication."
)


class LocalPasswordsMixin:
    @property
    def local_passwords(self):
        return settings.TRACKER_LOCAL_PASSWORDS

    def clean(self):
        if not self.local_passwords:
            raise ValidationError(LOCAL_PASSWORDS_OFF, code="local_passwords_off")
        return super().clean()


class AdminSignInForm(LocalPasswordsMixin, AdminAuthenticationForm):
    pass


class SignInForm(LocalPasswordsMixin, AuthenticationForm):
    pass
