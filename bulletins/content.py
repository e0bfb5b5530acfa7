"""What a bulletin says, as plain frozen data: the document and the annex are drawn from it.

``gather.gather_content`` fills it from the history (counting, rankings, the loop, the
problem register); tests fill it by hand. Nothing here reads the database, so the two
writers (``document``, ``annex``) are tested on their own and a rebuilt bulletin differs
only when its content does.
"""

import datetime
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import BulletinKind

# The measures, in the order tables show them (performance.counting.Measure's values).
MEASURES = ("signed", "started", "producing", "funds_in_place", "jjj_projects")
MEASURE_LABELS = {
    "signed": gettext_lazy("Signed"),
    "started": gettext_lazy("Started"),
    "producing": gettext_lazy("In operation"),
    "funds_in_place": gettext_lazy("Funds in place"),
    "jjj_projects": gettext_lazy("Beijing-Tianjin-Hebei projects"),
}
WAN_PER_YI = Decimal(10000)
CENT = Decimal("0.01")
# Whose bulletin it is: a city's (its counties, departments, ledger and problems) or a
# province's (its cities, its departments and its own key tasks; no ledger, no problems).
CITY, PROVINCE = "city", "province"


@dataclass(frozen=True)
class Figures:
    """The headline figures of a span of days (performance.counting.Headline)."""

    signed: int = 0
    started: int = 0
    producing: int = 0
    funds_in_place: Decimal = Decimal("0")  # 万元
    jjj_started: int = 0  # projects from Beijing/Tianjin/Hebei of over 1 亿元 started
    jjj_started_funds: Decimal = Decimal("0")  # their cumulative funds in place, 万元
    under_review: int = 0  # counted projects in an undismissed possible-duplicate pair

    @classmethod
    def of(cls, headline):
        return cls(**{f.name: getattr(headline, f.name) for f in fields(cls)})

    def minus(self, other):
        """Each figure's change from ``other`` to this one."""
        return Figures(
            **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
        )


@dataclass(frozen=True)
class RankingLine:
    """One unit's row of a ranking table. Values per measure are tuples in MEASURES order."""

    rank: int
    rank_change: int | None  # positive: moved up since the previous period
    name: str
    code: str
    score: Decimal
    listed: str  # "red", "black" or ""
    rates: tuple  # Decimal | None (no target)
    year_to_date: tuple
    in_period: tuple
    targets: tuple  # int | Decimal | None
    on_time_rate: Decimal | None = None  # departments only
    overdue_tasks: int | None = None  # departments only


@dataclass(frozen=True)
class RankingTable:
    unit: str  # "county", "department" or (a province's) "city"
    lines: tuple = ()

    def listed(self, which):
        return [line.name for line in self.lines if line.listed == which]


@dataclass(frozen=True)
class OverdueTask:
    code: str
    title: str
    department: str
    deadline: datetime.date
    days_overdue: int


@dataclass(frozen=True)
class OpenProblem:
    title: str
    blocked: str  # the project or key task it blocks
    raised_by: str  # the raising department
    coordinator: str  # the coordinating department, "" while none is assigned
    raised_on: datetime.date
    deadline: datetime.date | None
    state: str  # its state's label, as it was at the period's end
    days_open: int


@dataclass(frozen=True)
class CooperationLine:
    """One kind of the cooperation ledger (cooperation.stats.KindFigures): ``items`` and the
    sums are over the items of the ledger year of the period's end; ``started`` and
    ``achieved`` count the items whose date falls in the period."""

    kind: str
    label: str
    items: int = 0
    started: int = 0
    achieved: int = 0
    investment: Decimal = Decimal("0")  # 万元
    people: int = 0
    landed_projects: int = 0
    landed_investment: Decimal = Decimal("0")  # 万元, the linked projects' total investment

    @classmethod
    def of(cls, figures):
        values = {f.name: getattr(figures, f.name) for f in fields(cls)}
        return cls(**{**values, "label": str(values["label"])})


def cooperation_total(lines):
    """The sum of every line (the tables' last row); the kind and label are empty."""
    return CooperationLine(
        kind="",
        label="",
        **{
            f.name: sum((getattr(line, f.name) for line in lines), start=f.default)
            for f in fields(CooperationLine)
            if f.name not in ("kind", "label")
        },
    )


@dataclass(frozen=True)
class BulletinContent:
    kind: str
    start: datetime.date
    end: datetime.date
    issuer: str
    number: str
    title: str
    period: Figures  # what happened in the period
    previous: Figures  # in the period before
    year_to_date: Figures  # from 1 January to the period's end
    previous_year_to_date: Figures  # from 1 January to the previous period's end
    counties: RankingTable
    departments: RankingTable
    overdue_tasks: tuple = ()
    open_problems: tuple = ()
    cooperation: tuple = ()  # CooperationLine, in CooperationKind order
    level: str = CITY  # CITY or PROVINCE: which sections and words the bulletin has

    @property
    def of_province(self):
        return self.level == PROVINCE

    @property
    def stamp(self):
        """The moment the files say they were made: the period's last day, at noon (a
        fixed moment, so that a rebuild writes the same bytes)."""
        return datetime.datetime(self.end.year, self.end.month, self.end.day, 12, 0, 0)


def week_number(day):
    year, week, _weekday = day.isocalendar()
    return year, week


def document_number(prefix, kind, start):
    """德协办通〔2023〕12号 for December 2023; a weekly bulletin is numbered in a series of
    its own, by ISO week (德协办通周〔2023〕52号): derived from the period, never counted,
    so that a rebuild gives the same number."""
    if kind == BulletinKind.WEEK:
        year, week = week_number(start)
        return f"{prefix}周〔{year}〕{week}号"
    return f"{prefix}〔{start.year}〕{start.month}号"


def period_name(kind, start, end):
    """ "December 2023" or "week 52 of 2023 (25 December to 31 December)", as the title says."""
    if kind == BulletinKind.WEEK:
        year, week = week_number(start)
        return _("week %(week)d of %(year)d (%(start)s to %(end)s)") % {
            "week": week,
            "year": year,
            "start": month_day(start),
            "end": month_day(end),
        }
    return _("%(month)d/%(year)d") % {"month": start.month, "year": start.year}


def bulletin_title(kind, start, end, province=False):
    period = {"period": period_name(kind, start, end)}
    if province:  # 各市, where a city's says 全市
        return (
            _(
                "Bulletin on the cities' progress of investment attraction and of the key "
                "work of Beijing-Tianjin-Hebei coordinated development in %(period)s"
            )
            % period
        )
    return (
        _(
            "Bulletin on the progress of investment attraction and of the key work of "
            "Beijing-Tianjin-Hebei coordinated development in %(period)s"
        )
        % period
    )


def month_day(day):
    return _("%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def long_date(day):
    """2023年12月31日 (the date of an official document)."""
    return _("%(month)d/%(day)d/%(year)d") % {"year": day.year, "month": day.month, "day": day.day}


def yi(amount_in_wan):
    """An amount in 万元 as 亿元, two decimals: 1177700 -> "117.77"."""
    return f"{(Decimal(amount_in_wan) / WAN_PER_YI).quantize(CENT, ROUND_HALF_UP):,.2f}"


def wan(amount):
    return f"{Decimal(amount).quantize(CENT, ROUND_HALF_UP):,.2f}"


def percent(rate):
    """A completion rate (0.8512) as "85.1%"; "-" without a target."""
    if rate is None:
        return "-"
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def signed_change(value):
    """+3, -2, 0 for a rank or a count; "-" when there is nothing to compare with."""
    if value is None:
        return "-"
    return f"+{value}" if value > 0 else str(value)


def list_label(listed):
    return {"red": _("Red list"), "black": _("Black list")}.get(listed, "")
