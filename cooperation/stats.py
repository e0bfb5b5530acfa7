"""What the cooperation ledger adds up to: the sums of a group of items (for the statistics
endpoint) and the figures of each kind over a period (for the bulletin).

Money is Decimal in 万元. ``landed_investment`` is the total investment of the projects the
items became (an incubated project that landed), read from the linked ``Project``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from regions.tenancy import default_tenant_id

from .choices import CooperationKind, CooperationState
from .models import CooperationItem

# What the statistics group by (cooperation.api.stats names the expressions and labels).
GROUPINGS = ("kind", "year", "department", "county", "counterpart_province", "state", "city")

ZERO = Decimal("0")


def sums(condition=None):
    """The aggregates of a group of items, by name; with ``condition`` (a Q or a boolean
    expression such as an EXISTS), over the items meeting it only."""
    within = {} if condition is None else {"filter": condition}
    landed = Q(project__isnull=False) if condition is None else Q(condition, project__isnull=False)
    return {
        "items": Count("pk", **within),
        "achieved": Count(
            "pk",
            filter=Q(state=CooperationState.ACHIEVED)
            if condition is None
            else Q(condition, state=CooperationState.ACHIEVED),
        ),
        "investment": Sum("investment", default=ZERO, **within),
        "people": Sum("people", default=0, **within),
        "landed_projects": Count("pk", filter=landed),
        "landed_investment": Sum("project__total_investment", default=ZERO, **within),
    }


SUMS = tuple(sums())


@dataclass(frozen=True)
class KindFigures:
    kind: str
    label: str
    items: int
    started: int
    achieved: int
    investment: Decimal
    people: int
    landed_projects: int
    landed_investment: Decimal


def kind_figures(start, end, tenant_id=None):
    """Per kind, in CooperationKind order, every kind listed (zeros included): the items of
    ledger year ``end.year`` with their sums; how many started (``started_on``) and how many
    were achieved (``achieved_on``) between ``start`` and ``end``, whatever their ledger
    year. One city's items (``tenant_id``; by default the acting city, else the home city).
    One query."""
    of_year = Q(year=end.year)
    started = Q(started_on__gte=start, started_on__lte=end)
    achieved = Q(achieved_on__gte=start, achieved_on__lte=end)
    rows = (
        CooperationItem.objects.for_tenants([tenant_id or default_tenant_id()])
        .filter(of_year | started | achieved)
        .order_by()
        .values("kind")
        .annotate(
            items=Count("pk", filter=of_year),
            started=Count("pk", filter=started),
            achieved=Count("pk", filter=achieved),
            investment=Coalesce(Sum("investment", filter=of_year), ZERO),
            people=Coalesce(Sum("people", filter=of_year), 0),
            landed_projects=Count("pk", filter=of_year & Q(project__isnull=False)),
            landed_investment=Coalesce(Sum("project__total_investment", filter=of_year), ZERO),
        )
    )
    by_kind = {row.pop("kind"): row for row in rows}
    empty = dict.fromkeys(("items", "started", "achieved", "people", "landed_projects"), 0)
    empty.update(investment=ZERO, landed_investment=ZERO)
    return [
        KindFigures(kind=kind.value, label=str(kind.label), **by_kind.get(kind.value, empty))
        for kind in CooperationKind
    ]
