"""The same investor courted by several cities at once (一企多地招商), for the office that
coordinates them: a province's (its cities), or a regional working group's (the region's
cities, in its chain groups). docs/tenants.md tells the rules; in short:

- A city's open projects (lead or negotiating) are grouped by their investor as compared
  (``projects.duplicates.investor_key``: full-width folded, punctuation and spaces dropped,
  有限公司/股份有限公司… removed) and by the investor's unified social credit code when one
  was recorded (a second key: the same code under two spellings still matches).
- A group with open projects in two cities or more is a case. The same city twice is not
  a case: that is a possible duplicate, for the city's own review (projects.duplicates).
- The coordinating office marks a case coordinated, with a note (``mark_coordinated``);
  the decision is kept (``CourtingCase``) and the case stays closed: a city that starts
  courting the investor afterwards is shown as new beside it, never reopens it.
- A city's official recording a lead is told only *that* another city is in contact with
  the investor (``another_city_in_contact``), never which one or how many; each city can
  turn this off (``Tenant.courting_hint``).

The cases are computed from the projects each time they are asked for (one query per
office); nothing is stored until a decision is taken.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.ownership import official_of
from core.tenancy import reach_of
from core.validators import one_line_errors
from regions.choices import TenantKind
from regions.models import Region, Tenant
from regions.tenancy import default_tenant_id
from tracker.choices import OfficialReach

from .choices import Stage
from .duplicates import investor_key
from .models import CourtingCase, CourtingState, Project

logger = logging.getLogger(__name__)

OPEN_STAGES = (Stage.LEAD, Stage.NEGOTIATING)
# What a city's official is told, and all they are told: never which city, nor how many.
HINT = gettext_lazy(
    "Another city is also in contact with this investor. Before going further, ask the "
    "coordinating office (the province's, or the regional working group's)."
)


@dataclass(frozen=True)
class Scope:
    """Whose cases: a province's (``region`` None) or a regional working group's."""

    tenant: str  # the province's code; for a region, the tenant its decisions are kept in
    name: str
    cities: tuple  # the city tenants' codes
    region: Region | None = None
    groups: tuple | None = None  # a region's chain groups (None: every project)

    @property
    def id(self):
        return f"region:{self.region.pk}" if self.region else f"province:{self.tenant}"


@dataclass(frozen=True)
class Contact:
    """One city's open projects with the investor."""

    city: str  # the tenant's code
    name: str
    stages: tuple  # the stages of its open projects (Stage values, pipeline order)
    since: object  # the date its first of them was recorded (None: not known)


@dataclass
class Case:
    key: str  # the investor as compared (its credit code when no name is left)
    investor: str  # as first recorded
    credit_code: str
    contacts: tuple  # Contact, by city code
    since: object  # the date a second city came into contact (None: not known)
    keys: frozenset = frozenset()  # every name key of the group
    codes: frozenset = frozenset()  # every credit code of the group
    decision: CourtingCase | None = field(default=None)

    @property
    def state(self):
        return self.decision.state if self.decision else CourtingState.OPEN

    @property
    def new_cities(self):
        """The cities in contact that were not when the case was decided."""
        if self.decision is None:
            return ()
        known = set(self.decision.cities_at_decision)
        return tuple(contact.city for contact in self.contacts if contact.city not in known)


# --- who coordinates what -------------------------------------------------------------


def province_scope(code):
    province = Tenant.objects.filter(code=code, kind=TenantKind.PROVINCE).first()
    if province is None:
        return None
    cities = province.cities.filter(kind=TenantKind.CITY).order_by("code")
    return Scope(tenant=code, name=province.name, cities=tuple(c.code for c in cities))


def region_scope(region, tenant=None):
    cities = tuple(region.cities.order_by("code").values_list("code", flat=True))
    return Scope(
        tenant=tenant or default_tenant_id(),
        name=region.name,
        cities=cities,
        region=region,
        groups=tuple(region.chain_groups),
    )


def scopes_of(user):
    """The offices whose cases ``user`` reads and decides: a province user's province, a
    regional user's region, every one for the deployment's operators; none for a city."""
    if reach_of(user).everything:
        provinces = Tenant.objects.filter(kind=TenantKind.PROVINCE).order_by("code")
        scopes = [province_scope(province.code) for province in provinces]
        scopes += [region_scope(region) for region in Region.objects.order_by("name")]
        return [scope for scope in scopes if scope is not None]
    official = official_of(user)
    if official is None or not reach_of(user).own:
        return []
    if official.reach == OfficialReach.PROVINCE:
        scope = province_scope(official.tenant_id)
        return [scope] if scope is not None else []
    if official.reach == OfficialReach.REGION and official.region_id is not None:
        return [region_scope(official.region, official.tenant_id)]
    return []


def scope_of(user, scope_id):
    """The scope ``scope_id`` (``province:<code>``, ``region:<id>``) if ``user`` has it."""
    for scope in scopes_of(user):
        if scope.id == scope_id:
            return scope
    raise PermissionDenied(_("You do not coordinate these cities."))


# --- the cases ------------------------------------------------------------------------


def open_rows(tenant_codes, groups=None):
    """(id, city, investor, credit code, stage, recorded on) of the cities' open projects."""
    projects = Project.objects.for_tenants(tenant_codes).filter(stage__in=OPEN_STAGES)
    if groups is not None:
        projects = projects.filter(industry_chain__group__in=groups)
    rows = projects.order_by("pk").values_list(
        "pk", "tenant_id", "investor", "investor_credit_code", "stage", "created_at"
    )
    return [
        (pk, city, investor, code, stage, timezone.localdate(at) if at else None)
        for pk, city, investor, code, stage, at in rows
    ]


def grouped(rows):
    """The rows joined into groups sharing a name key or a credit code (union-find)."""
    parent = {}

    def root(item):
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for pk, _city, investor, code, *_rest in rows:
        for label in (("name", investor_key(investor)), ("code", code)):
            if label[1]:
                parent[root(("project", pk))] = root(label)
    groups = defaultdict(list)
    for row in rows:
        groups[root(("project", row[0]))].append(row)
    return list(groups.values())


def case_of(group, names):
    """The Case of one group of rows (in id order), or None when one city alone is in it."""
    by_city = defaultdict(list)
    for row in group:
        by_city[row[1]].append(row)
    if len(by_city) < 2:
        return None
    order = {stage: index for index, stage in enumerate(OPEN_STAGES)}
    contacts = []
    for city, rows in sorted(by_city.items()):
        stages = tuple(sorted({row[4] for row in rows}, key=order.get))
        dates = [row[5] for row in rows if row[5] is not None]
        contacts.append(Contact(city, names.get(city, city), stages, min(dates, default=None)))
    firsts = sorted(contact.since for contact in contacts if contact.since is not None)
    keys = frozenset(key for row in group if (key := investor_key(row[2])))
    codes = frozenset(row[3] for row in group if row[3])
    first = group[0]
    return Case(
        key=investor_key(first[2]) or min(keys, default="") or min(codes),
        investor=first[2] or first[3],
        credit_code=first[3] or min(codes, default=""),
        contacts=tuple(contacts),
        since=firsts[1] if len(firsts) > 1 else None,
        keys=keys,
        codes=codes,
    )


def open_investors(tenant_codes, groups=None):
    """The investors with open projects (lead or negotiating) in two or more of the cities
    ``tenant_codes`` (in ``groups`` of industry chains, for a region), as Cases."""
    names = dict(Tenant.objects.filter(code__in=tenant_codes).values_list("code", "name"))
    cases = [case_of(group, names) for group in grouped(open_rows(tenant_codes, groups))]
    return [case for case in cases if case is not None]


def decisions_of(scope):
    if scope.region is not None:
        return CourtingCase.objects.filter(region=scope.region)
    return CourtingCase.objects.filter(tenant_id=scope.tenant, region__isnull=True)


def courting_cases(scope):
    """The scope's cases, each with its decision when one was taken: open ones first, then
    by the date a second city came into contact."""
    cases = open_investors(scope.cities, scope.groups)
    decisions = list(decisions_of(scope).select_related("decided_by"))
    for case in cases:
        case.decision = next(
            (
                decision
                for decision in decisions
                if decision.key in case.keys
                or decision.key == case.key
                or (decision.credit_code and decision.credit_code in case.codes)
            ),
            None,
        )
    cases.sort(key=lambda case: (case.state != CourtingState.OPEN, str(case.since), case.key))
    return cases


@transaction.atomic
def mark_coordinated(scope, key, *, by, note=""):
    """Record that the scope's office coordinated the case ``key``: it stays closed.
    Idempotent: a case already decided returns its decision as it was taken."""
    if not any(scope.id == mine.id for mine in scopes_of(by)):
        raise PermissionDenied(_("You do not coordinate these cities."))
    case = next((case for case in courting_cases(scope) if case.key == key), None)
    if case is None:
        raise ValidationError({"key": _("No city is courting this investor with another now.")})
    if case.decision is not None:
        return case.decision
    decision = CourtingCase(
        tenant_id=scope.tenant,
        region=scope.region,
        key=case.key,
        investor=case.investor[:300],
        credit_code=case.credit_code,
        state=CourtingState.COORDINATED,
        note=(note or "").strip(),
        decided_by=by,
        decided_at=timezone.now(),
        cities_at_decision=[contact.city for contact in case.contacts],
    )
    if errors := one_line_errors(decision, "note"):
        raise ValidationError(errors)
    decision.full_clean()
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        return decisions_of(scope).get(key=case.key)  # decided meanwhile: that one stands
    return decision


# --- the hint for a city ----------------------------------------------------------------


def other_cities(project):
    """[(city codes, chain groups or None)] to look in for the project's investor: the
    other cities of its province, and of each region it shares (its chain groups)."""
    tenant = Tenant.objects.filter(code=project.tenant_id).first()
    if tenant is None or not tenant.courting_hint:
        return []
    places = []
    # A city that has turned the hint off is neither told nor matched.
    if tenant.parent_id:
        siblings = Tenant.objects.filter(
            parent_id=tenant.parent_id, kind=TenantKind.CITY, courting_hint=True
        )
        codes = tuple(siblings.exclude(code=tenant.code).values_list("code", flat=True))
        places.append((codes, None))
    group = project.industry_chain.group if project.industry_chain_id else None
    for region in tenant.regions.all():
        if group in region.chain_groups:
            others = region.cities.filter(courting_hint=True).exclude(code=tenant.code)
            cities = others.values_list("code", flat=True)
            places.append((tuple(cities), tuple(region.chain_groups)))
    return [(codes, groups) for codes, groups in places if codes]


def another_city_in_contact(project):
    """Does another city of the project's province, or of a region it shares, have an open
    project (lead or negotiating) with the same investor (name as compared, or credit
    code)? Only for an open project of a city that wants to be told; a bool, nothing more."""
    if project.pk is None or project.stage not in OPEN_STAGES:
        return False
    key, code = investor_key(project.investor), project.investor_credit_code
    if not (key or code) or not within_daily_budget(project.tenant_id, key, code):
        return False
    for codes, groups in other_cities(project):
        for _pk, _city, investor, credit_code, *_rest in open_rows(codes, groups):
            if (code and credit_code == code) or (key and investor_key(investor) == key):
                # Logged (never shown) so that a province can see who asks often.
                logger.info("courting hint given for project %s", project.pk)
                return True
    return False


def within_daily_budget(tenant_id, key, code):
    """A city may ask about ``TRACKER_COURTING_HINTS_PER_DAY`` different investors a day:
    the hint tells of real leads, not a way to probe whom other cities court by trying
    names on a lead of one's own. Asking again about the same investor costs nothing."""
    day = timezone.localdate().isoformat()
    asked = f"courting-hint:{tenant_id}:{day}:{key}:{code}"
    if cache.get(asked):
        return True
    counter = f"courting-hints:{tenant_id}:{day}"
    cache.add(counter, 0, timeout=2 * 24 * 3600)
    try:
        count = cache.incr(counter)
    except ValueError:  # the cache lost the counter (or is down): open, as the cache is
        count = 1
    if count > settings.TRACKER_COURTING_HINTS_PER_DAY:
        logger.warning("courting hints over the daily budget for city %s", tenant_id)
        return False
    cache.set(asked, True, timeout=2 * 24 * 3600)
    return True


def hint_for(project):
    """The sentence to show after an open lead is saved, or None."""
    return str(HINT) if another_city_in_contact(project) else None


def coordinates(user):
    """May ``user`` read courting cases at all? Asked by every admin page's sidebar, so it
    reads only the user and their profile (no query for a province's cities)."""
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    official = official_of(user)
    return official is not None and official.reach in (OfficialReach.PROVINCE, OfficialReach.REGION)
