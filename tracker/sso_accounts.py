"""Officials' accounts from single sign-on (tracker.sso): one function per change, one
transaction each.

The identity provider is the source of truth for who someone is (username, name, email) and
where they work (the department code); the tracker keeps what the office decides by hand
(the role on the escalation ladder, the phone, the digest). Supervisor status follows the
provider only when the office names a supervisor group (TRACKER_OIDC_SUPERVISOR_GROUP);
otherwise supervisors are made in the admin, as before.

The city: a deployment for one city needs nothing (everyone signs on into the home city,
TRACKER_CITY_CODE). A provider that serves several cities names each person's city in a
claim (TRACKER_OIDC_TENANT_CLAIM) holding its GB/T 2260 code; the department is then the
one with the claimed code in that city (two cities may both have a "SWJ"). A login naming
no known city is refused and creates nothing; an account stays in its city (a login
naming another refuses). What a user reads beyond their city (a province's or a region's
reach) is never granted by a claim: a superuser sets it.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core.tenancy import acting_for
from regions.models import Tenant

from .models import Department, Official
from .services import save_official

# Django's User.first_name holds the full name (as the admin's add form does).
NAME_MAX = 150
EMAIL_MAX = 254
CODE_MAX = 64


class Refused(SuspiciousOperation):
    """The login is refused: nothing is created or changed. mozilla-django-oidc turns a
    SuspiciousOperation into a failed login (and django-axes counts it)."""


@dataclass(frozen=True)
class Identity:
    """What a login says about the person, already checked (see ``identity_from``)."""

    username: str
    full_name: str
    email: str | None  # None: the provider sent no usable address (keep what is stored)
    department_code: str | None
    is_supervisor: bool | None  # None: the provider does not decide it
    tenant_code: str | None = None  # None: the home city (no city claim is configured)


def one_line(value, limit):
    """A claim as one line of at most ``limit`` characters (control characters and line
    breaks dropped: names end up in emails, Excel and logs)."""
    if not isinstance(value, str):
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(text.split())[:limit]


def checked_username(value):
    User = get_user_model()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or len(value) > NAME_MAX:
        raise Refused("The username claim is missing or not a username.")
    try:
        User.username_validator(value)
    except ValidationError as error:
        raise Refused("The username claim is not a valid username.") from error
    return value


def checked_email(value):
    if not isinstance(value, str) or len(value) > EMAIL_MAX:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def checked_code(value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > CODE_MAX or value != one_line(value, CODE_MAX):
        raise Refused("The department claim is not a department code.")
    return value


# A GB/T 2260 code: six digits.
TENANT_CODE = re.compile(r"[0-9]{6}")


def checked_tenant_code(value):
    """The city claim's GB/T 2260 code; refused when missing or not a code (a provider
    configured to name cities must name one: guessing the home city could place a
    person in another city's department with the same code)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not TENANT_CODE.fullmatch(value):
        raise Refused("The login carries no city code (GB/T 2260).")
    return value


def identity_from(
    claims,
    *,
    username_claim,
    name_claim,
    department_claim,
    groups_claim,
    group,
    tenant_claim="",
):
    """Read and check the claims; ``group`` is the supervisor group's name or empty;
    ``tenant_claim`` the claim naming the city, or empty (everyone is the home city's)."""
    is_supervisor = None
    if group:
        groups = claims.get(groups_claim) or []
        if isinstance(groups, str):
            groups = [groups]
        is_supervisor = isinstance(groups, list) and group in groups
    return Identity(
        username=checked_username(claims.get(username_claim)),
        full_name=one_line(claims.get(name_claim), NAME_MAX),
        email=checked_email(claims.get("email")),
        department_code=checked_code(claims.get(department_claim)),
        is_supervisor=is_supervisor,
        tenant_code=checked_tenant_code(claims.get(tenant_claim)) if tenant_claim else None,
    )


def tenant_for(identity):
    """The city the login is for: the claimed one, which must exist; without a city claim
    (TRACKER_OIDC_TENANT_CLAIM empty), the home city."""
    code = identity.tenant_code or settings.TRACKER_CITY_CODE
    # A city, never a province: province users are made by a superuser (docs/tenants.md).
    tenant = Tenant.objects.cities().filter(code=code).first()
    if tenant is None:
        raise Refused(f"No city has the code {code!r}.")
    return tenant


def department_for(identity, tenant, *, supervisor):
    """The department of ``tenant`` the claim names. A supervisor may come without one (the
    office works above the departments); everyone else needs a known code, or the login is
    refused."""
    if identity.department_code is None:
        if supervisor:
            return None
        raise Refused("The login carries no department code.")
    departments = Department.objects.for_tenants([tenant.code])
    department = departments.filter(sso_code=identity.department_code).first()
    if department is None:
        raise Refused(f"No department of {tenant.code} has the code {identity.department_code!r}.")
    return department


def matching_user(identity):
    """The account the login is for, or None for a new one. Only an official's account is
    ever matched: a superuser (the break-glass account) or a login without a profile (a city
    leader's) keeps its password and cannot be taken over by a provider's username."""
    user = (
        get_user_model()
        .objects.select_related("official")
        .filter(username=identity.username)
        .first()
    )
    if user is None:
        return None
    if user.is_superuser or not hasattr(user, "official"):
        raise Refused(f"The account {identity.username!r} is not an official's; not signed in.")
    return user


@transaction.atomic
def create_official_from_sso(identity):
    """A new official from a first login: an unusable password (they sign in through the
    provider), staff access to the admin, the handler role and its group, in the city the
    login names (with the reach of their own city only)."""
    supervisor = bool(identity.is_supervisor)
    tenant = tenant_for(identity)
    department = department_for(identity, tenant, supervisor=supervisor)
    user = get_user_model()(
        username=identity.username,
        first_name=identity.full_name,
        email=identity.email or "",
        is_staff=True,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.full_clean(exclude=["password"], validate_unique=False)
            user.save()
    except (ValidationError, IntegrityError) as error:
        # Two first logins at once: the other one created the account; this one is refused
        # and the next login finds the account.
        raise Refused("The account could not be created.") from error
    official = Official(
        user=user, department=department, is_supervisor=supervisor, tenant_id=tenant.code
    )
    with acting_for(tenant.code):
        return save_official(official).user


@transaction.atomic
def update_official_from_sso(user, identity):
    """A returning official: name, email and department follow the provider; supervisor
    status too when the office names a supervisor group. Unchanged values are not saved."""
    user = type(user).objects.select_for_update().get(pk=user.pk)
    official = Official.objects.select_for_update().get(user=user)
    tenant = tenant_for(identity)
    if tenant.code != official.tenant_id:
        # Moving someone to another city is the operators' decision, not a claim's.
        raise Refused(f"The account {user.username!r} is of another city; not signed in.")
    supervisor = (
        official.is_supervisor if identity.is_supervisor is None else identity.is_supervisor
    )
    # A supervisor whose login names no department keeps the one stored (often none).
    department = department_for(identity, tenant, supervisor=supervisor) or official.department
    wanted = {
        "first_name": identity.full_name or user.first_name,
        "email": user.email if identity.email is None else identity.email,
    }
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    if changed:
        user.save(update_fields=changed)
    if (official.department, official.is_supervisor) != (department, supervisor):
        official.department = department
        official.is_supervisor = supervisor
        with acting_for(tenant.code):
            save_official(official)
    return user
