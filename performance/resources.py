"""Annual targets (目标任务) as an Excel sheet, imported and exported like the ledgers.

One row per unit and year: 年度, 县区代码 and/or 县区 (a county row) or 部门 (a department
row), the five measures and 备注 (docs/targets.md lists the columns). The ledgers' rules
hold (core.excel, core.uploads): the file is checked before it is read, every row is
checked, the preview shows errors by row and column, and the rows go in all or none.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.excel import LedgerResource, TenantScopedWidget, TextWidget
from core.ownership import is_supervisor
from regions.choices import COUNTY_LEVELS
from regions.models import Division
from tracker.models import Department

from .counting import TARGET_FIELDS
from .models import Target
from .services import save_target

MEASURE_FIELDS = list(TARGET_FIELDS.values())
# The unit columns: a file needs one of them at least; the others are read as empty.
UNIT_FIELDS = ("division_code", "division", "department")


def cell_text(value):
    """A cell as text: Excel gives a typed code such as 371403 as a number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class CountWidget(widgets.Widget):
    """A whole number of projects; an empty cell is "no target"."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        if not 0 <= number <= 2_147_483_647:
            raise ValueError(_("“%(value)s” is out of range.") % {"value": text})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class MoneyWidget(widgets.Widget):
    """An amount in 万元 with at most two decimals; an empty cell is "no target"."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(",", "")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": text})
        # The model's field checks the digits and sign with its own message.
        return amount

    def render(self, value, obj=None, **kwargs):
        return value


class CountyWidget(widgets.Widget):
    """The county of a row, by its code (县区代码) or its name (县区); both must agree."""

    def __init__(self, code_column, **kwargs):
        self.code_column = code_column
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        code = cell_text((row or {}).get(self.code_column))
        name = cell_text(value)
        counties = Division.objects.filter(level__in=COUNTY_LEVELS)
        by_code = by_name = None
        if code:
            by_code = counties.filter(code=code).first()
            if by_code is None:
                raise ValueError(_("There is no county with the code “%(code)s”.") % {"code": code})
        if name:
            found = list(counties.filter(name=name)[:2])
            if not found:
                raise ValueError(_("There is no county named “%(name)s”.") % {"name": name})
            if len(found) > 1 and by_code is None:
                raise ValueError(
                    _("More than one county is named “%(name)s”: give its code.") % {"name": name}
                )
            by_name = by_code if by_code in found else found[0]
        if by_code and by_name and by_code != by_name:
            raise ValueError(
                _("The code “%(code)s” is not the code of “%(name)s”.")
                % {"code": code, "name": name}
            )
        return by_code or by_name

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class CountyCodeWidget(widgets.Widget):
    """Written on export; read on import by the county column's widget."""

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class DepartmentWidget(TenantScopedWidget, widgets.Widget):
    """A department of the importing city, by its short name (商务局) or its full name."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        departments = self.scoped(Department.objects.filter(Q(short_name=text) | Q(name=text)))
        found = list(departments[:2])
        if len(found) != 1:
            raise ValueError(_("There is no department named “%(value)s”.") % {"value": text})
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.short_name if value else ""


class TargetResource(LedgerResource):
    year = fields.Field(attribute="year", widget=CountWidget())
    division_code = fields.Field(attribute="division", widget=CountyCodeWidget(), readonly=True)
    division = fields.Field(attribute="division", widget=CountyWidget(code_column=""))
    department = fields.Field(attribute="department", widget=DepartmentWidget())
    signed_projects = fields.Field(attribute="signed_projects", widget=CountWidget())
    started_projects = fields.Field(attribute="started_projects", widget=CountWidget())
    producing_projects = fields.Field(attribute="producing_projects", widget=CountWidget())
    funds_in_place = fields.Field(attribute="funds_in_place", widget=MoneyWidget())
    jjj_projects = fields.Field(attribute="jjj_projects", widget=CountWidget())
    note = fields.Field(attribute="note", widget=TextWidget())

    class Meta(LedgerResource.Meta):
        model = Target
        import_id_fields = ["year", "division", "department"]
        fields = ["year", *UNIT_FIELDS, *MEASURE_FIELDS, "note"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The columns as the office's sheets head them (the base names each by its field).
        self.fields["division_code"].column_name = _("county code")
        self.fields["division"].widget.code_column = self.fields["division_code"].column_name

    def get_queryset(self):
        return super().get_queryset().select_related("division", "department")

    def expected_headers(self):
        return [self.fields[name].column_name for name in ("year", *MEASURE_FIELDS)]

    def before_import(self, dataset, **kwargs):
        headers = {str(header).strip() for header in dataset.headers or () if header}
        units = [self.fields[name].column_name for name in UNIT_FIELDS]
        if dataset.headers and not headers & set(units):
            raise ValueError(
                _("The file lacks a column naming the county or the department: %(columns)s.")
                % {"columns": " / ".join(units)}
            )
        super().before_import(dataset, **kwargs)
        self.units_seen = set()
        # Optional columns absent from the file are read as empty cells.
        for column in [*units, self.fields["note"].column_name]:
            if column not in headers:
                dataset.append_col([None] * dataset.height, header=column)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # A unit or year no row can name: the row's own check says which cell is wrong.
            return None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Blank rows in the middle of a sheet are kept (so that row numbers match Excel's).
        if all(cell_text(value) == "" for value in row.values()):
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def import_instance(self, instance, row, **kwargs):
        # Targets have no owning department: only supervisors import them (the service
        # checks again, as this user, in the same transaction).
        user = kwargs.get("user")
        self.acting_user = user
        if user is not None and not is_supervisor(user):
            raise ValidationError({"year": _("Only supervisors may set annual targets.")})
        resources.ModelResource.import_instance(self, instance, row, **kwargs)
        # Two rows for one unit and year would silently merge (the second updating the
        # first inside the import's transaction): the file is refused instead.
        unit = (instance.year, instance.division_id, instance.department_id)
        if None not in (instance.year, instance.division_id or instance.department_id):
            if unit in self.units_seen:
                field = "division" if instance.division_id else "department"
                raise ValidationError(
                    {
                        field: _(
                            "An earlier row of this file already sets this unit's targets "
                            "for this year."
                        )
                    }
                )
            self.units_seen.add(unit)

    def save_with_service(self, instance, by):
        save_target(instance, by=by)
