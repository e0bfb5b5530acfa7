"""Annual targets: the service, the admin, and the Excel import and export."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from core.testing.workbooks import rows_of, workbook
from performance.models import Target
from performance.resources import TargetResource
from performance.services import delete_targets, save_target

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:performance_target_changelist")
ADD = reverse("admin:performance_target_add")
EXPORT = reverse("admin:performance_target_export")
IMPORT = reverse("admin:performance_target_import")
PROCESS = reverse("admin:performance_target_process_import")


@pytest.fixture(autouse=True)
def grants(db):
    """The role grants the performance app's data migration gives (supervisors change
    targets, officials read them); a no-op once that migration has run."""
    from django.contrib.auth.models import Group, Permission

    from tracker.roles import OFFICIALS, SUPERVISORS

    target = Permission.objects.filter(content_type__app_label="performance")
    supervisors, _new = Group.objects.get_or_create(name=SUPERVISORS)
    officials, _new = Group.objects.get_or_create(name=OFFICIALS)
    supervisors.permissions.add(*target.filter(codename__endswith="_target"))
    officials.permissions.add(*target.filter(codename="view_target"))


@pytest.fixture
def targets(lingcheng, department):
    return [
        Target.objects.create(
            year=2023,
            division=lingcheng,
            signed_projects=20,
            started_projects=15,
            producing_projects=5,
            funds_in_place=Decimal("150000.50"),
            jjj_projects=12,
            note="市政府下达",
        ),
        Target.objects.create(year=2023, department=department, signed_projects=8),
    ]


def state():
    return list(Target.objects.order_by("pk").values())


def client_for(client, user):
    client.force_login(user)
    return client


# --- the service ------------------------------------------------------------------------


def test_a_supervisor_sets_a_target(supervisor_user, lingcheng):
    target = save_target(
        Target(year=2024, division=lingcheng, signed_projects=3), by=supervisor_user
    )
    assert Target.objects.get(pk=target.pk).signed_projects == 3
    assert target.history.count() == 1


def test_an_official_may_not_set_or_delete_targets(official_user, lingcheng, targets):
    before = state()
    with pytest.raises(PermissionDenied):
        save_target(Target(year=2024, division=lingcheng), by=official_user)
    targets[0].signed_projects = 1
    with pytest.raises(PermissionDenied):
        save_target(targets[0], by=official_user)
    with pytest.raises(PermissionDenied):
        delete_targets(Target.objects.all(), by=official_user)
    assert state() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 1999}, "year"),
        ({"division": None, "department": None}, "division"),
        ({"department": "department"}, "division"),
        ({"division": "dezhou"}, "division"),
        ({"note": "第一行\n第二行"}, "note"),
        ({"signed_projects": -1}, "signed_projects"),
        ({"funds_in_place": Decimal("-5")}, "funds_in_place"),
    ],
)
def test_bad_targets_are_refused_field_by_field(request, supervisor_user, lingcheng, change, field):
    values = {"year": 2023, "division": lingcheng}
    for name, value in change.items():
        values[name] = (
            request.getfixturevalue(value)
            if isinstance(value, str) and (name in ("division", "department"))
            else value
        )
    with pytest.raises(ValidationError) as refused:
        save_target(Target(**values), by=supervisor_user)
    assert field in refused.value.message_dict
    assert not Target.objects.exists()


def test_one_target_a_year_per_unit(supervisor_user, targets, lingcheng, department):
    with pytest.raises(ValidationError) as county:
        save_target(Target(year=2023, division=lingcheng), by=supervisor_user)
    assert county.value.message_dict["division"] == [
        _("This county already has targets for this year.")
    ]
    with pytest.raises(ValidationError) as other:
        save_target(Target(year=2023, department=department), by=supervisor_user)
    assert "department" in other.value.message_dict
    # Another year is another target.
    save_target(Target(year=2024, division=lingcheng), by=supervisor_user)
    assert Target.objects.count() == 3


# --- the admin --------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, targets):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_officials_read_targets_but_cannot_change_them(client, official_user, targets):
    official = client_for(client, official_user)
    page = official.get(CHANGELIST)
    assert page.status_code == 200 and "陵城区" in page.content.decode()
    before = state()
    refused = official.post(ADD, {"year": 2024, "division": targets[0].division_id})
    change = reverse("admin:performance_target_change", args=[targets[0].pk])
    refused_change = official.post(change, {"year": 2023, "signed_projects": 1})
    assert refused.status_code == 403 and refused_change.status_code == 403
    assert official.get(IMPORT).status_code == 403
    assert state() == before


def test_a_supervisor_adds_a_target_in_the_admin(client, supervisor_user, decheng):
    supervisor = client_for(client, supervisor_user)
    response = supervisor.post(
        ADD, {"year": 2024, "division": decheng.pk, "signed_projects": 7, "note": "新增"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    target = Target.objects.get()
    assert (target.division, target.signed_projects, target.started_projects) == (decheng, 7, None)


def test_the_admin_form_shows_the_services_refusals(client, supervisor_user, dezhou):
    supervisor = client_for(client, supervisor_user)
    response = supervisor.get(ADD)
    assert f'value="{dezhou.pk}"' not in response.content.decode()  # counties only
    dezhou_target = supervisor.post(ADD, {"year": 2024, "note": "一\n二"})
    assert dezhou_target.status_code == 200
    assert not Target.objects.exists()


def test_the_list_filters_by_year_and_unit_and_searches(
    client, supervisor_user, targets, department
):
    supervisor = client_for(client, supervisor_user)

    def shown(query):
        return list(supervisor.get(CHANGELIST + query).context["cl"].result_list)

    assert shown("?unit=county") == [targets[0]]
    assert shown("?unit=department") == [targets[1]]
    assert shown("?year=2024") == []
    assert shown("?q=" + department.short_name) == [targets[1]]
    assert shown("?q=371403") == [targets[0]]


def test_names_full_of_html_are_shown_as_text(client, supervisor_user, lingcheng):
    lingcheng.name = "<script>alert(1)</script>"
    lingcheng.save()
    Target.objects.create(year=2023, division=lingcheng, note="<b>粗体</b>")
    page = client_for(client, supervisor_user).get(CHANGELIST).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>粗体</b>" not in page


def test_a_supervisor_deletes_targets_through_the_list(client, supervisor_user, targets):
    response = client_for(client, supervisor_user).post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "_selected_action": [str(t.pk) for t in targets],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Target.objects.exists()


# --- Excel --------------------------------------------------------------------------------


def export(admin):
    fields = {f"targetresource_{name}": "on" for name in TargetResource._meta.fields}
    response = admin.post(EXPORT, {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    return response.content


def upload(admin, rows):
    return admin.post(
        IMPORT,
        {
            "import_file": SimpleUploadedFile("目标任务.xlsx", workbook(rows)),
            "format": "0",
            "resource": "0",
        },
    )


def confirm(admin, preview):
    form = preview.context["confirm_form"]
    return admin.post(PROCESS, {name: form.initial[name] for name in form.fields})


def headers():
    resource = TargetResource()
    return [resource.fields[name].column_name for name in TargetResource._meta.fields]


def test_the_export_has_the_offices_columns(client, supervisor_user, targets):
    rows = rows_of(export(client_for(client, supervisor_user)))
    assert rows[0] == headers()
    assert rows[0][:4] == [_("year"), _("county code"), _("county/district"), _("department")]
    by_unit = {row[1] or row[3]: row for row in rows[1:]}
    assert by_unit["371403"][2] == "陵城区"
    assert by_unit["371403"][4:9] == [20, 15, 5, 150000.5, 12]
    assert by_unit["市商务局"][4:9] == [8, None, None, None, None]


def test_the_export_keeps_formulas_as_text(client, supervisor_user, lingcheng):
    lingcheng.name = '=HYPERLINK("http://evil.example","点我")'
    lingcheng.save()
    Target.objects.create(year=2023, division=lingcheng, note="=1+2")
    content = export(client_for(client, supervisor_user))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    texts = [cell for cell in cells if str(cell.value or "").startswith("=")]
    assert {cell.value for cell in texts} == {lingcheng.name, "=1+2"}
    assert all(cell.data_type == "s" for cell in texts)


def test_an_export_imported_again_changes_nothing(client, supervisor_user, targets):
    admin = client_for(client, supervisor_user)
    rows = rows_of(export(admin))
    before = state()
    preview = upload(admin, rows)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}
    confirm(admin, preview)
    assert state() == before


def test_a_county_is_named_by_its_code_or_its_name(
    client, supervisor_user, lingcheng, decheng, department
):
    admin = client_for(client, supervisor_user)
    header = [_("year"), _("county code"), _("county/district"), _("department"), *headers()[4:]]
    rows = [
        header,
        [2024, 371403, None, None, 10, 8, 2, "80000", 6, "按代码"],
        [2024, None, "德城区", None, 9, 7, 1, 50000.5, 5, "按名称"],
        [None] * len(header),  # a blank row in the middle is skipped
        [2024, None, None, "德州市商务局", 4, None, None, None, None, "部门全称"],
    ]
    preview = upload(admin, rows)
    assert not preview.context["result"].has_validation_errors()
    confirm(admin, preview)
    saved = {t.division or t.department: t for t in Target.objects.filter(year=2024)}
    assert saved[lingcheng].funds_in_place == Decimal("80000")
    assert saved[decheng].funds_in_place == Decimal("50000.50")
    assert saved[department].signed_projects == 4 and saved[department].started_projects is None


def test_a_file_with_only_the_code_column_is_read(client, supervisor_user, lingcheng):
    admin = client_for(client, supervisor_user)
    header = [_("year"), _("county code"), *headers()[4:9]]
    preview = upload(admin, [header, [2024, "371403", 1, 2, 3, 4, 5]])
    confirm(admin, preview)
    assert Target.objects.get().jjj_projects == 5


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (4, "很多"),  # signed projects
        (4, -3),
        (4, 2.5),
        (7, "一百万"),  # funds
        (7, "123456789012345"),
        (1, "999999"),  # no such county code
        (2, "不存在县"),
        (0, 1999),  # year
        (3, "市商务局"),  # a county row naming a department too
    ],
)
def test_a_bad_cell_refuses_the_whole_file(
    client, supervisor_user, targets, decheng, column, value
):
    admin = client_for(client, supervisor_user)
    rows = rows_of(export(admin))
    rows[1][4] = 99  # a good change that must be rolled back with the bad one
    rows.append([2024, "371402", "德城区", None, 1, 1, 1, 1, 1, ""])
    rows[-1][column] = value
    before = state()
    preview = upload(admin, rows)
    assert preview.context["result"].has_validation_errors()
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert state() == before


def test_a_code_and_a_name_that_disagree_are_refused(client, supervisor_user, lingcheng, decheng):
    admin = client_for(client, supervisor_user)
    rows = [headers(), [2024, "371403", "德城区", None, 1, 1, 1, 1, 1, ""]]
    page = upload(admin, rows).content.decode()
    assert not Target.objects.exists()
    assert "371403" in page and "德城区" in page


def test_a_file_without_a_unit_column_or_a_measure_is_refused(client, supervisor_user, lingcheng):
    admin = client_for(client, supervisor_user)
    no_unit = upload(admin, [[_("year"), *headers()[4:9]], [2024, 1, 1, 1, 1, 1]])
    assert not Target.objects.exists()
    assert _("county code") in no_unit.content.decode()
    no_measure = upload(admin, [headers()[:3], [2024, "371403", "陵城区"]])
    assert headers()[4] in no_measure.content.decode()
    assert not Target.objects.exists()


def test_an_oversized_file_is_refused(client, supervisor_user, lingcheng, settings):
    settings.TRACKER_IMPORT_MAX_ROWS = 2
    admin = client_for(client, supervisor_user)
    rows = [headers()] + [[2020 + i, "371403", None, None, 1, 1, 1, 1, 1, ""] for i in range(3)]
    response = upload(admin, rows)
    assert response.status_code == 200
    assert not Target.objects.exists()


def test_two_rows_for_one_unit_and_year_refuse_the_file(client, supervisor_user, department):
    """The second row would otherwise update the first inside the import: refused instead."""
    admin = client_for(client, supervisor_user)
    header = [_("year"), _("county code"), _("county/district"), _("department"), *headers()[4:]]
    rows = [
        header,
        [2030, None, None, department.name, 1, None, None, None, None, "first"],
        [2030, None, None, department.name, 9, None, None, None, None, "second"],
    ]
    preview = upload(admin, rows)
    result = preview.context["result"]
    assert result.has_validation_errors()
    errors = [row.field_specific_errors for row in result.invalid_rows]
    assert any(_("department") in e for e in errors), errors
    assert not Target.objects.exists()


def test_a_target_saved_twice_at_once_is_a_field_error_not_a_500(supervisor_user, department):
    from unittest import mock

    from django.core.exceptions import ValidationError

    from performance import services

    Target.objects.create(year=2031, department=department, signed_projects=1)
    twin = Target(year=2031, department=department, signed_projects=2)
    # The check before the save saw no twin: the other save committed just after it.
    with (
        mock.patch.object(services, "target_errors", return_value={}),
        pytest.raises(ValidationError) as refused,
    ):
        services.save_target(twin, by=supervisor_user)
    assert "department" in refused.value.message_dict
    assert Target.objects.get().signed_projects == 1
