"""The bulletin's Excel annex: every figure behind the document, one sheet per table.

Written through ``core.spreadsheets`` (every text a text cell, so a name such as
``=HYPERLINK(...)`` stays text), then made reproducible like the document. A province's
annex has its cities' and departments' tables and its overdue key tasks, as its document.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import xlsx_bytes

from . import wording
from .content import MEASURE_LABELS, MEASURES, cooperation_total, list_label
from .reproducible import fixed_zip

HEADLINE_FIGURES = (
    ("signed", gettext_lazy("Projects signed")),
    ("started", gettext_lazy("Projects started")),
    ("producing", gettext_lazy("Projects in operation")),
    ("funds_in_place", gettext_lazy("Funds in place (10,000 yuan)")),
    (
        "jjj_started",
        gettext_lazy("Beijing-Tianjin-Hebei projects of over 100 million yuan started"),
    ),
    ("jjj_started_funds", gettext_lazy("Their funds in place (10,000 yuan)")),
    ("under_review", gettext_lazy("Projects under review as possible duplicates")),
)


def headline_sheet(content):
    headers = [
        _("Figure"),
        _("This period"),
        _("Previous period"),
        _("Change"),
        _("Year to date"),
        _("Year to date at the previous period's end"),
        _("Change"),
    ]
    rows = []
    for name, label in HEADLINE_FIGURES:
        now, before = getattr(content.period, name), getattr(content.previous, name)
        total = getattr(content.year_to_date, name)
        total_before = getattr(content.previous_year_to_date, name)
        rows.append(
            [str(label), now, before, now - before, total, total_before, total - total_before]
        )
    return headers, rows


def ranking_sheet(table, unit_label, discipline=False):
    headers = [_("Rank"), _("Change"), unit_label, _("Division code"), _("Score"), _("List")]
    for measure in MEASURES:
        label = MEASURE_LABELS[measure]
        headers += [
            _("%(measure)s: this period") % {"measure": label},
            _("%(measure)s: year to date") % {"measure": label},
            _("%(measure)s: annual target") % {"measure": label},
            _("%(measure)s: completion rate") % {"measure": label},
        ]
    if discipline:
        headers += [_("On-time report rate"), _("Overdue key tasks")]
    rows = []
    for line in table.lines:
        row = [line.rank, line.rank_change, line.name, line.code, line.score]
        row.append(list_label(line.listed))
        for values in zip(line.in_period, line.year_to_date, line.targets, line.rates, strict=True):
            row += list(values)
        if discipline:
            row += [line.on_time_rate, line.overdue_tasks]
        rows.append(row)
    return headers, rows


def cooperation_sheet(content):
    """The cooperation ledger by kind (the document's table), money in 万元, and a total."""
    headers = [
        _("Kind of cooperation"),
        _("Code"),
        _("Items of the ledger year %(year)d") % {"year": content.end.year},
        _("Started in the period"),
        _("Achieved in the period"),
        _("Investment (10,000 yuan)"),
        _("People"),
        _("Landed as projects"),
        _("Their total investment (10,000 yuan)"),
    ]
    lines = [*content.cooperation, cooperation_total(content.cooperation)]
    rows = [
        [
            line.label or _("Total"),
            line.kind,
            line.items,
            line.started,
            line.achieved,
            line.investment,
            line.people,
            line.landed_projects,
            line.landed_investment,
        ]
        for line in lines
    ]
    return headers, rows


def overdue_sheet(content):
    headers = [_("Code"), _("Key task"), _("Lead department"), _("Deadline"), _("Days overdue")]
    rows = [
        [task.code, task.title, task.department, task.deadline, task.days_overdue]
        for task in content.overdue_tasks
    ]
    return headers, rows


def problems_sheet(content):
    headers = [
        _("Problem"),
        _("Project or key task"),
        _("Raised by"),
        _("Coordinating department"),
        _("Raised on"),
        _("Deadline"),
        _("State"),
        _("Days open"),
    ]
    rows = [
        [
            p.title,
            p.blocked,
            p.raised_by,
            p.coordinator,
            p.raised_on,
            p.deadline,
            p.state,
            p.days_open,
        ]
        for p in content.open_problems
    ]
    return headers, rows


def xlsx_annex(content):
    """The annex's bytes, the same for the same content."""
    headers, rows = headline_sheet(content)
    units = (
        wording.units_sheet(content),
        *ranking_sheet(content.counties, wording.unit_label(content)),
    )
    departments = (
        wording.departments_sheet(content),
        *ranking_sheet(content.departments, _("Department"), discipline=True),
    )
    overdue = _("Overdue key tasks"), *overdue_sheet(content)
    more = [units, departments, overdue]
    if not content.of_province:
        more.insert(2, (_("Cooperation"), *cooperation_sheet(content)))
        more.append((_("Open problems"), *problems_sheet(content)))
    return fixed_zip(
        xlsx_bytes(headers, rows, title=_("Headline"), more_sheets=more), content.stamp
    )
