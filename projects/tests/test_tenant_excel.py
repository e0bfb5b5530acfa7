"""The tenant rule on the Excel ledgers: an export holds only what the user reads (its
problems sheet too), and an import looks names and codes up in the user's own city."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing.workbooks import rows_of, workbook
from projects.models import Project
from projects.resources import ProjectResource
from tracker.tests.tenant_admin_world import DZ, LANGFANG, LF, build

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:projects_project_export")
IMPORT = reverse("admin:projects_project_import")
PROCESS = reverse("admin:projects_project_process_import")


@pytest.fixture
def world(make_official, department, dezhou):
    return build(make_official, department, dezhou)


def export(client, user):
    client.force_login(user)
    fields = {f"projectresource_{name}": "on" for name in ProjectResource._meta.fields}
    response = client.post(EXPORT, {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    return response.content


def every_cell(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_an_export_holds_the_own_city_only(client, world):
    cells = every_cell(export(client, world.lf.supervisor))
    assert DZ not in cells
    assert world.lf.project.name in cells and world.lf.blocker.title in cells


def test_a_province_export_holds_shared_projects_but_not_their_problems(client, world):
    cells = every_cell(export(client, world.province))
    assert world.lf.project.name in cells  # signed: shared with Hebei
    assert world.lf.blocker.title not in cells  # a city's problems are its own
    assert DZ not in cells  # Dezhou is no Hebei city


def test_a_superuser_exports_every_city(client, admin_user, world):
    cells = every_cell(export(client, admin_user))
    assert DZ in cells and LF in cells


def upload(client, content):
    return client.post(
        IMPORT,
        {"import_file": SimpleUploadedFile("台账.xlsx", content), "format": "0", "resource": "0"},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS, {name: form.initial[name] for name in form.fields})


def ledger_row(client, user, **changes):
    """The header and the user's own XM-2024-001 row, with ``changes`` by column header."""
    rows = rows_of(export(client, user))
    header = rows[0]
    row = dict(zip(header, next(r for r in rows if r[0] == "XM-2024-001"), strict=True))
    row.update(changes)
    return header, list(row.values())


def test_a_code_of_another_city_makes_the_own_citys_record(client, world):
    dezhou_only = Project.objects.create(
        code="XM-2024-002",
        name=f"{DZ} 另一个项目",
        investor="德州的投资方",
        responsible_department=world.dz.department,
        host_division=world.dz.department.division,
        year=2024,
        tenant_id="371400",
    )
    header, row = ledger_row(client, world.lf.supervisor, 编号="XM-2024-002", 名称="廊坊新项目")
    preview = upload(client, workbook([header, row]))
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new"]
    assert DZ not in preview.content.decode()
    assert confirm(client, preview).status_code == 302
    created = Project.objects.get(code="XM-2024-002", tenant_id=LANGFANG)
    assert created.name == "廊坊新项目"
    assert created.responsible_department == world.lf.department  # "市商务局": Langfang's
    dezhou_only.refresh_from_db()
    assert dezhou_only.name == f"{DZ} 另一个项目" and dezhou_only.tenant_id == "371400"


def test_a_shared_code_updates_the_own_citys_record(client, world):
    header, row = ledger_row(client, world.lf.supervisor, 投资方="改过的投资方")
    preview = upload(client, workbook([header, row]))
    assert [row.import_type for row in preview.context["result"].rows] == ["update"]
    confirm(client, preview)
    world.lf.project.refresh_from_db()
    world.dz.project.refresh_from_db()
    assert world.lf.project.investor == "改过的投资方"
    assert world.dz.project.investor == f"{DZ} 投资方"


def test_another_citys_department_name_is_no_department(client, world):
    header, row = ledger_row(client, world.lf.supervisor, 责任部门="市科学技术局")
    before = list(Project.objects.order_by("pk").values())
    response = upload(client, workbook([header, row]))
    body = response.content.decode()
    assert "没有名为“市科学技术局”的部门" in body or "no department named" in body
    assert DZ not in body
    assert list(Project.objects.order_by("pk").values()) == before


def test_a_problem_of_another_city_takes_no_step(client, world):
    from projects.models import Blocker

    client.force_login(world.lf.supervisor)
    blocker = world.dz.blocker
    url = reverse("admin:projects_blocker_step", args=[blocker.pk, "assign"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"coordinating_department": world.lf.department.pk}).status_code == 404
    assert Blocker.objects.get(pk=blocker.pk).state == blocker.state


def test_the_assign_step_offers_the_problems_city_only(client, world):
    client.force_login(world.lf.supervisor)
    url = reverse("admin:projects_blocker_step", args=[world.lf.blocker.pk, "assign"])
    form = client.get(url).context["form"]
    offered = set(form.fields["coordinating_department"].queryset)
    assert offered == {world.lf.department, world.lf.second}
    refused = client.post(
        url, {"coordinating_department": world.dz.department.pk, "deadline": "2030-01-01"}
    )
    assert "coordinating_department" in refused.context["form"].errors


def test_a_province_user_sees_no_problems_on_a_shared_project(client, world):
    client.force_login(world.province)
    page = client.get(reverse("admin:projects_project_change", args=[world.lf.project.pk]))
    assert page.status_code == 200
    assert world.lf.blocker.title not in page.content.decode()
    listed = client.get(reverse("admin:projects_project_changelist"))
    assert "problems-marker" not in listed.content.decode()
