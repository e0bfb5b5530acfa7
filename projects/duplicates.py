"""Possible duplicate projects (重复项目疑似) for review, and the "not a duplicate" decision.

The rules, the threshold and what dismissing does are in docs/duplicates.md. In short: two
projects are a possible duplicate when their investors are the same once normalised
(``investor_key``) and their names are similar (``similarity`` ≥ ``THRESHOLD``) while they
sit in another county or another ledger year; in the same county and year only an equal
name (once normalised) counts, a double entry. A pair a supervisor dismissed is not shown
again.

Each city reviews its own projects (its tenant's): the same investor courted by two cities
is not a duplicate but a courting case for their province (``projects.courting``).

Cost is bounded: projects are grouped by normalised investor in one read of the table, and
names are compared only within a group (at most ``GROUP_LIMIT`` projects; a larger group is
reported, not compared), never across the whole table. The name similarity is pg_trgm's
``similarity()`` on PostgreSQL (one query for all the pairs) and the same trigram measure
computed in Python elsewhere, so that the threshold means the same on both.
"""

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.ownership import is_supervisor
from core.validators import one_line_errors
from regions.tenancy import default_tenant_id

from .models import DuplicateDismissal, Project

# pg_trgm's similarity (shared trigrams / all distinct trigrams of both names) from which
# two names of one investor are taken for one project. 0.6 is met by a name written with
# a word more or less (年产10万吨新材料项目 / 年产10万吨新材料生产项目: 0.63) and missed by
# a second phase (数字化工厂项目 / 数字化工厂二期项目: 0.5, a new investment) and by names
# sharing only a long prefix (…转化项目02(生物制剂生产线) / …06(数控机床生产线): 0.52).
THRESHOLD = 0.6
# An investor with more projects than this is not compared (n² pairs): the page lists it,
# and its names are usually a placeholder (待定, 个人) to clean in the ledger.
GROUP_LIMIT = 200
# Legal forms dropped from investors' names, longest first (股份有限公司 holds 有限公司).
COMPANY_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司")


class Reason(models.TextChoices):
    """Where the two projects of a pair differ."""

    COUNTY = "county", gettext_lazy("another county")
    YEAR = "year", gettext_lazy("another ledger year")
    COUNTY_AND_YEAR = "county_and_year", gettext_lazy("another county and ledger year")
    SAME_NAME = "same_name", gettext_lazy("same name, county and ledger year")


def normalised(text):
    """Full-width to half-width (NFKC), case folded, spaces and punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(character for character in folded if character.isalnum())


def investor_key(investor):
    """The investor as compared: normalised, without its legal form ("" when none is left)."""
    key = normalised(investor)
    for form in COMPANY_FORMS:
        key = key.replace(form, "")
    return key


def trigrams(text):
    """pg_trgm's trigrams of a normalised name (one word): padded with two spaces in front
    and one behind, as pg_trgm pads each word (an empty name has none)."""
    if not text:
        return set()
    padded = f"  {text} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}


def similarity(first, second):
    """pg_trgm's ``similarity()`` of two normalised names, in Python: 0 to 1."""
    mine, theirs = trigrams(first), trigrams(second)
    union = len(mine | theirs)
    return len(mine & theirs) / union if union else 0.0


def similarities(name_pairs):
    """The similarity of each (name, name) pair: pg_trgm's on PostgreSQL, in one query."""
    if not name_pairs:
        return []
    if connection.vendor != "postgresql":
        return [similarity(first, second) for first, second in name_pairs]
    firsts, seconds = zip(*name_pairs, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT similarity(a, b) FROM unnest(%s::text[], %s::text[]) "
            "WITH ORDINALITY AS t(a, b, n) ORDER BY n",
            [list(firsts), list(seconds)],
        )
        return [value for (value,) in cursor.fetchall()]


@dataclass(frozen=True)
class Candidate:
    id: int
    investor: str
    name: str
    county_id: int
    year: int


@dataclass(frozen=True)
class Pair:
    """Two projects that may be one: ``first`` is the smaller id."""

    first: int
    second: int
    similarity: float
    reason: str

    @property
    def reason_label(self):
        return Reason(self.reason).label


@dataclass(frozen=True)
class Review:
    pairs: list  # of Pair, most similar first
    too_large: list  # of (investor, number of projects): groups not compared


def end_of(day):
    """The first moment after ``day`` (a local date) ends."""
    after = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(after)


def tenant_of(tenant):
    """The tenant reviewed (a Tenant or its code): by default the acting one, else the home city."""
    return default_tenant_id() if tenant is None else getattr(tenant, "code", tenant)


def investor_groups(as_of=None, tenant=None):
    """The tenant's projects with an investor, grouped by ``investor_key`` (one query), in
    id order; with ``as_of`` (a date), only those recorded by the end of that day."""
    projects = Project.objects.for_tenants([tenant_of(tenant)]).exclude(investor="").order_by("pk")
    if as_of is not None:
        projects = projects.filter(Q(created_at__isnull=True) | Q(created_at__lt=end_of(as_of)))
    groups = defaultdict(list)
    for row in projects.values_list("pk", "investor", "name", "host_division_id", "year"):
        candidate = Candidate(*row)
        key = investor_key(candidate.investor)
        if key:
            groups[key].append(candidate)
    return [group for group in groups.values() if len(group) > 1]


def dismissed_pairs(as_of=None, tenant=None):
    """The tenant's pairs decided "not a duplicate" (by the end of ``as_of``, when given)."""
    decisions = DuplicateDismissal.objects.for_tenants([tenant_of(tenant)])
    if as_of is not None:
        decisions = decisions.filter(decided_at__lt=end_of(as_of))
    return set(decisions.values_list("first_id", "second_id"))


def reason_for(first, second):
    other_county = first.county_id != second.county_id
    other_year = first.year != second.year
    if other_county and other_year:
        return Reason.COUNTY_AND_YEAR
    if other_county:
        return Reason.COUNTY
    return Reason.YEAR if other_year else Reason.SAME_NAME


def pairs_to_judge(group, *, dismissed, among):
    """The pairs of one investor's projects to judge: (first, second, reason, first's
    name, second's name), names normalised; dismissed pairs and pairs outside ``among``
    left out. In one county and year, only an equal name is a pair (phases and lines of
    one investor in one place are separate projects on purpose)."""
    names = {candidate.id: normalised(candidate.name) for candidate in group}
    for index, first in enumerate(group):
        for second in group[index + 1 :]:
            if (first.id, second.id) in dismissed or not names[first.id]:
                continue
            if among is not None and first.id not in among and second.id not in among:
                continue
            reason = reason_for(first, second)
            if reason != Reason.SAME_NAME or names[first.id] == names[second.id]:
                yield first.id, second.id, reason, names[first.id], names[second.id]


def find_duplicates(*, among=None, as_of=None, tenant=None):
    """The possible duplicates of ``tenant`` (default: the acting one) nobody has
    dismissed, as a Review (three queries at most).

    ``among`` (ids): only the pairs that hold one of them. ``as_of`` (a date): the review as
    it stood at the end of that day (projects recorded and decisions taken by then; names
    and investors as they are now), so that a past period's count can be told again.
    """
    tenant = tenant_of(tenant)
    groups = investor_groups(as_of, tenant)
    if among is not None:
        among = set(among)
        groups = [group for group in groups if any(c.id in among for c in group)]
    too_large = [(group[0].investor, len(group)) for group in groups if len(group) > GROUP_LIMIT]
    dismissed = dismissed_pairs(as_of, tenant) if groups else set()
    judged = [
        pair
        for group in groups
        if len(group) <= GROUP_LIMIT
        for pair in pairs_to_judge(group, dismissed=dismissed, among=among)
    ]
    # Equal names need no measure; the others are measured together.
    measured = [pair for pair in judged if pair[3] != pair[4]]
    scores = dict(
        zip(
            ((first, second) for first, second, *_rest in measured),
            similarities([(a, b) for *_ids, a, b in measured]),
            strict=True,
        )
    )
    pairs = [
        Pair(first, second, scores.get((first, second), 1.0), reason)
        for first, second, reason, *_names in judged
        if scores.get((first, second), 1.0) >= THRESHOLD
    ]
    pairs.sort(key=lambda pair: (-pair.similarity, pair.first, pair.second))
    return Review(pairs=pairs, too_large=too_large)


def under_review(project_ids, *, as_of=None, tenant=None):
    """The ids among ``project_ids`` (of ``tenant``) that are in a possible-duplicate pair
    nobody has dismissed yet (by the end of ``as_of``, when given)."""
    ids = set(project_ids)
    if not ids:
        return set()
    pairs = find_duplicates(among=ids, as_of=as_of, tenant=tenant).pairs
    return {pk for pair in pairs for pk in (pair.first, pair.second)} & ids


def pk_of(project):
    return project.pk if isinstance(project, Project) else int(project)


@transaction.atomic
def dismiss_duplicate(first, second, *, by, note=""):
    """Decide that two projects (or their ids) are not one: the pair is not shown again.

    Supervisors only, of the two projects' city. Idempotent: deciding a pair again returns
    the first decision as it was taken (who, when, note).
    """
    if not is_supervisor(by):
        raise PermissionDenied(_("Only the supervising office decides on possible duplicates."))
    low, high = sorted((pk_of(first), pk_of(second)))
    if low == high:
        raise ValidationError({"second": _("A project cannot be a duplicate of itself.")})
    # Another city's project is "no longer there" for this supervisor: nothing is told of it.
    if Project.objects.changeable_by(by).filter(pk__in=(low, high)).count() != 2:
        raise ValidationError({"second": _("One of the two projects no longer exists.")})
    existing = DuplicateDismissal.objects.filter(first_id=low, second_id=high).first()
    if existing is not None:
        return existing
    dismissal = DuplicateDismissal(
        first_id=low, second_id=high, note=(note or "").strip(), decided_by=by
    )
    if errors := one_line_errors(dismissal, "note"):
        raise ValidationError(errors)
    dismissal.full_clean()
    try:
        with transaction.atomic():
            dismissal.save()
    except IntegrityError:
        # Decided meanwhile by another request: that decision stands.
        return DuplicateDismissal.objects.get(first_id=low, second_id=high)
    return dismissal
