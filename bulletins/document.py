"""The bulletin as a Word document (.docx): an official document's layout over its content.

Red header (issuing office), document number over a red rule, title, salutation, body
(the figures and their change), the ranking tables, the cooperation ledger by kind, the
overdue key tasks and the open problems, the annex note, and the issuer with the date.
The bytes depend on the content only (``reproducible``), so a rebuild of an unchanged
period gives the same file. A province's bulletin ranks its cities (市) and its departments
and lists its own overdue key tasks; it has no ledger and no problems sections.
"""

import io

import docx
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from . import wording
from .content import (
    MEASURE_LABELS,
    cooperation_total,
    list_label,
    long_date,
    percent,
    signed_change,
    yi,
)
from .docx_layout import SMALL_TABLE_SIZE, add_table, add_text, red_header, set_up
from .reproducible import fixed_zip

COUNTY_WIDTHS = (12, 12, 30, 16, 14, 14, 14, 16, 16, 12)
DEPARTMENT_WIDTHS = (10, 10, 28, 13, 12, 12, 12, 13, 13, 13, 10, 10)
COOPERATION_WIDTHS = (40, 15, 15, 15, 19, 14, 16, 22)


def docx_bytes(content):
    """The .docx of ``content``, byte for byte the same for the same content."""
    document = docx.Document()
    set_up(document)
    properties(document, content)
    red_header(document, content.issuer, content.number)
    title = add_text(document, content.title, "Bulletin Title")
    title.paragraph_format.space_before = title.paragraph_format.space_after = Pt(16)
    salutation = add_text(document, wording.salutation(content))
    salutation.paragraph_format.first_line_indent = None
    add_text(document, wording.introduction(content))
    overall(document, content)
    ranked(document, content)
    if not content.of_province:
        cooperation(document, content)
    overdue(document, content)
    if not content.of_province:
        problems(document, content)
    closing(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), content.stamp)


def properties(document, content):
    """Core properties fixed to the period (python-docx would keep its template's)."""
    core = document.core_properties
    core.author = core.last_modified_by = content.issuer
    core.title = content.title
    core.identifier = content.number
    core.created = core.modified = core.last_printed = content.stamp
    core.revision = 1


def overall(document, content):
    add_text(document, _("1. Overall progress"), "Bulletin Heading 1")
    add_text(document, wording.period_paragraph(content))
    add_text(document, wording.year_to_date_paragraph(content))
    add_text(document, wording.jjj_paragraph(content))
    add_text(document, wording.review_paragraph(content))


def ranking_headers(unit_label, discipline=False):
    headers = [_("Rank"), _("Change"), unit_label, _("Score")]
    headers += [str(MEASURE_LABELS[m]) for m in MEASURE_LABELS]
    if discipline:
        headers += [_("On-time reports"), _("Overdue tasks")]
    return [*headers, _("List")]


def ranking_rows(table, discipline=False):
    rows = []
    for line in table.lines:
        row = [line.rank, signed_change(line.rank_change), line.name, f"{line.score:.2f}"]
        row += [percent(rate) for rate in line.rates]
        if discipline:
            overdue = "-" if line.overdue_tasks is None else line.overdue_tasks
            row += [percent(line.on_time_rate), overdue]
        rows.append([*row, list_label(line.listed)])
    return rows


def ranked(document, content):
    add_text(document, _("2. Completion of the annual targets and rankings"), "Bulletin Heading 1")
    add_text(
        document,
        _(
            "Units are ranked by their score: the completion rates of their annual targets "
            "from 1 January to %(date)s, weighted; for departments, reporting discipline too. "
            "The full figures are in the annex."
        )
        % {"date": long_date(content.end)},
    )
    add_text(document, wording.units_heading(content), "Bulletin Heading 2")
    add_text(document, wording.lists_paragraph(content.counties))
    add_table(
        document,
        ranking_headers(wording.unit_label(content)),
        ranking_rows(content.counties),
        widths=COUNTY_WIDTHS,
    )
    add_text(document, wording.departments_heading(content), "Bulletin Heading 2")
    add_text(document, wording.lists_paragraph(content.departments))
    add_table(
        document,
        ranking_headers(_("Department"), discipline=True),
        ranking_rows(content.departments, discipline=True),
        size=SMALL_TABLE_SIZE,
        widths=DEPARTMENT_WIDTHS,
    )


def cooperation_headers():
    return [
        _("Kind of cooperation"),
        _("Items this year"),
        _("Started in the period"),
        _("Achieved in the period"),
        _("Investment (100 million yuan)"),
        _("People"),
        _("Landed as projects"),
        _("Their investment (100 million yuan)"),
    ]


def cooperation_row(label, line):
    return [
        label,
        line.items,
        line.started,
        line.achieved,
        yi(line.investment),
        line.people,
        line.landed_projects,
        yi(line.landed_investment),
    ]


def cooperation(document, content):
    """The cooperation ledger (agreements, platforms, achievements...) by kind, with a total."""
    add_text(document, _("3. Cooperation with Beijing, Tianjin and Hebei"), "Bulletin Heading 1")
    add_text(document, wording.cooperation_paragraph(content))
    total = cooperation_total(content.cooperation)
    if total.items or total.started or total.achieved:
        rows = [cooperation_row(line.label, line) for line in content.cooperation]
        rows.append(cooperation_row(_("Total"), total))
        add_table(document, cooperation_headers(), rows, widths=COOPERATION_WIDTHS)


def overdue(document, content):
    add_text(document, wording.overdue_heading(content), "Bulletin Heading 1")
    add_text(document, wording.overdue_paragraph(content))
    if content.overdue_tasks:
        headers = [_("No."), _("Key task"), _("Lead department"), _("Deadline"), _("Days overdue")]
        rows = [
            [index, f"{task.code} {task.title}", task.department, task.deadline, task.days_overdue]
            for index, task in enumerate(content.overdue_tasks, start=1)
        ]
        add_table(document, headers, rows, widths=(12, 70, 38, 22, 14))


def problems(document, content):
    add_text(document, _("5. Problems not yet solved"), "Bulletin Heading 1")
    add_text(document, wording.problems_paragraph(content))
    if content.open_problems:
        headers = [
            _("No."),
            _("Problem"),
            _("Project or key task"),
            _("Raised by"),
            _("Coordinating department"),
            _("Days open"),
        ]
        rows = [
            [index, p.title, p.blocked, p.raised_by, p.coordinator or "-", p.days_open]
            for index, p in enumerate(content.open_problems, start=1)
        ]
        add_table(document, headers, rows, widths=(10, 46, 36, 24, 26, 14))


def closing(document, content):
    add_text(document, wording.next_steps_heading(content), "Bulletin Heading 1")
    add_text(document, wording.next_steps(content))
    annex = add_text(document, _("Annex: the full tables of this bulletin (Excel)"))
    annex.paragraph_format.space_before = Pt(28.95)
    for index, text in enumerate((content.issuer, long_date(content.end))):
        signed = add_text(document, text)
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signed.paragraph_format.first_line_indent = None
        signed.paragraph_format.right_indent = Pt(32)
        if index == 0:
            # The issuer two lines under the annex note, the date right under it.
            signed.paragraph_format.space_before = Pt(2 * 28.95)
