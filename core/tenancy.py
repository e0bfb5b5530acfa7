"""Which city (tenant) a user reads and changes, as querysets: the tenant rule.

Every city-owned record belongs to one tenant (a prefecture-level city's office, or a
province's for province-level records). A model names the path to its tenant with
``tenant_path`` (``"tenant"`` on a root record, ``"project__tenant"`` on a project's
reports); a model without it is shared reference data (divisions, industry chains,
parks, the holiday calendar) that everyone reads.

A user's reach (``Reach``) says which tenants they read:

- a city's officials and office: their own city, wholly;
- a province user: their own province-level records, and of the province's cities only
  what the cities share upward (signed and later projects by default,
  ``TRACKER_PROVINCE_SHARED_STAGES``; key tasks, work points, departments and targets);
- a regional user (the joint working group): the chain projects of the region's cities
  (the region's chain groups, shared stages only) and their reports.

Writes never cross a tenant: ``OwnedQuerySet.changeable_by`` keeps the user's own tenant.
Statistics and roll-ups are aggregates, not rows, so a province's figures are computed
over all of its cities' rows by ``aggregate_tenants`` (the same figures a city sees of
itself, summed).

``core`` imports no app: the user's reach is read from the ``official`` profile by
attribute (``official.tenant_reach()``), and the acting tenant of a request, a task or a
command lives in a context variable that ``regions.tenancy.default_tenant_id`` reads when
a new record is made without a tenant.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

_acting = contextvars.ContextVar("tracker_acting_tenant", default=None)


@dataclass(frozen=True)
class Reach:
    """What a user reads. Tenant ids are GB/T 2260 codes (``Tenant.code``)."""

    everything: bool = False  # superusers: the deployment's operators
    own: tuple = ()  # the user's tenant: read wholly, the only one they change
    cities: tuple = ()  # a province user's cities: what they share upward
    region_cities: tuple = ()  # a regional user's cities: their chain projects
    region_groups: tuple = ()  # ... in these industry-chain groups

    @property
    def tenant_id(self):
        return self.own[0] if self.own else None


NOBODY = Reach()
EVERYTHING = Reach(everything=True)


def acting_tenant_id():
    """The tenant a request, task or command is acting for (None: not set)."""
    acting = _acting.get()
    if callable(acting):  # a request's user, read when first needed
        acting = acting()
        _acting.set(acting)
    return acting


@contextmanager
def acting_for(tenant_id):
    """New records made inside default to ``tenant_id``; used by tasks and commands that
    run once per city, and by the middleware for each signed-in request."""
    token = _acting.set(tenant_id)
    try:
        yield
    finally:
        _acting.reset(token)


def set_acting(tenant_id):
    """For DRF, which authenticates a token inside the view: the middleware's
    ``acting_for`` around the request undoes this when the request ends."""
    _acting.set(tenant_id)


def reach_of(user):
    """The user's reach. Not cached on the user: a test (or a view) may give a user a
    profile after a first look; the profile caches what costs a query."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    if user.is_superuser:
        return EVERYTHING
    # A user without a profile raises RelatedObjectDoesNotExist, an AttributeError.
    official = getattr(user, "official", None)
    return official.tenant_reach() if official is not None else NOBODY


def tenant_id_of(user):
    return reach_of(user).tenant_id


def tenant_path(model):
    return getattr(model, "tenant_path", None)


def shared_stages():
    return tuple(getattr(settings, "TRACKER_PROVINCE_SHARED_STAGES", ()))


def read_rule(model, reach):
    """The Q that keeps the rows of ``model`` that ``reach`` reads."""
    if reach.everything:
        return Q()
    path = tenant_path(model)
    rule = Q(**{f"{path}__in": reach.own}) if reach.own else Q(pk__in=[])
    share = getattr(model, "share_prefix", None)
    if reach.cities:
        if share is not None:
            rule |= Q(**{f"{path}__in": reach.cities, f"{share}stage__in": shared_stages()})
        elif getattr(model, "province_reads_whole", False):
            rule |= Q(**{f"{path}__in": reach.cities})
    if reach.region_cities and share is not None:
        rule |= Q(
            **{
                f"{path}__in": reach.region_cities,
                f"{share}stage__in": shared_stages(),
                f"{share}industry_chain__group__in": reach.region_groups,
            }
        )
    return rule


def aggregate_tenants(user):
    """The tenants whose rows make up ``user``'s statistics (None: every tenant).

    A city reads its own figures; a province its own and every city's, whole, because a
    roll-up must equal the sum of the cities' own figures (a lead counts for its city even
    though the province may not read it as a row). Only aggregates are ever computed over
    these: lists and details go through ``visible_to``.
    """
    reach = reach_of(user)
    if reach.everything:
        return None
    return reach.own + reach.cities


class ActingTenantMiddleware:
    """Records made during a signed-in request belong to the user's city; the context
    is undone when the request ends (so DRF's ``set_acting`` after token authentication
    does not outlive it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Lazily: reading the user's profile here, outside the view, would turn a lost
        # database into a bare 500 instead of core.db_outage's 503.
        with acting_for(lambda: tenant_id_of(getattr(request, "user", None))):
            return self.get_response(request)
