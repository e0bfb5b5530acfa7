"""The project ledger's second sheet: the unsolved problems of the projects exported,
with text kept text (a title typed as a formula is never run)."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone, translation

from projects import blockers as services
from projects.models import Project
from projects.resources import open_blockers_sheet

from .test_excel import confirm, export, upload

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","点我")'


@pytest.fixture
def problems(project, other_project, task, official_user, other_official_user, supervisor_user):
    """On the project: a formula-titled problem being coordinated and a solved one; on the
    other department's project: an open one; on a key task: one (not in the ledger)."""
    raise_ = services.raise_blocker
    first = raise_(by=official_user, project=project, title=FORMULA, description="d", kind="land")
    services.assign_blocker(
        first,
        by=supervisor_user,
        coordinating_department=other_project.responsible_department,
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    solved = raise_(
        by=official_user, project=project, title="已解决", description="d", kind="labour"
    )
    services.solve_blocker(solved, by=supervisor_user, resolution="好了")
    other = raise_(
        by=other_official_user, project=other_project, title="-1+2", description="d", kind="energy"
    )
    raise_(by=official_user, task=task, title="任务的问题", description="d", kind="other")
    return {"first": first, "other": other}


def test_the_sheet_lists_the_unsolved_problems_of_the_projects_given(problems, project):
    today = timezone.localdate() + datetime.timedelta(days=3)
    with translation.override("en"):
        title, headers, rows = open_blockers_sheet(Project.objects.order_by("code"), today=today)
    assert title == "Unsolved problems"
    assert headers == [
        "code",
        "project",
        "problem",
        "kind",
        "raised by department",
        "coordinating department",
        "deadline",
        "state",
        "days open",
    ]
    deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert rows == [
        [
            "DZ-2023-001",
            "数字化工厂项目",
            FORMULA,
            "Land",
            "市商务局",
            "市科学技术局",
            deadline,
            "Being coordinated",
            3,
        ],
        [
            "DZ-2023-002",
            "别的部门的项目",
            "-1+2",
            "Energy and utilities",
            "市科学技术局",
            "",
            "",
            "Raised, awaiting a coordinator",
            3,
        ],
    ]
    only_first = open_blockers_sheet(Project.objects.filter(pk=project.pk))[2]
    assert [row[2] for row in only_first] == [FORMULA]


def test_the_exported_ledger_has_the_sheet_with_formulas_kept_text(admin_client, problems):
    content = export(admin_client)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert len(book.sheetnames) == 2
    with translation.override("zh-hans"):
        assert book.sheetnames[1] == translation.gettext("Unsolved problems")
    sheet = book.worksheets[1]
    rows = [[cell for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[2].value for row in rows] == [FORMULA, "-1+2"]
    for row in rows:
        assert row[2].data_type == "s" and row[2].quotePrefix  # text, never a formula
    assert book.worksheets[0].max_row == 3  # the ledger: headers and the two projects


def test_the_sheet_follows_the_ledgers_filter(admin_client, problems, project):
    content = export(
        admin_client, f"responsible_department__id__exact={project.responsible_department_id}"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[1]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [FORMULA]


def test_the_exported_ledger_imports_back_unchanged(admin_client, problems):
    before = list(Project.objects.order_by("pk").values())
    preview = upload(admin_client, export(admin_client))
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}  # the ledger's two rows
    assert len(result.rows) == 2
    assert confirm(admin_client, preview).status_code == 302
    assert list(Project.objects.order_by("pk").values()) == before
