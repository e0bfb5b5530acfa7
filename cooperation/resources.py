"""The cooperation ledger (合作事项台账) as an Excel sheet: the columns of
``cooperation.ledger``, headed by the fields' verbose names, read back all or nothing
through ``cooperation.services.save_item`` (docs/cooperation.md, "Excel")."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.excel import (
    ChoiceLabelWidget,
    LedgerDateWidget,
    LedgerResource,
    NamedForeignKeyWidget,
    NamedManyToManyWidget,
    TenantScopedWidget,
    TextWidget,
)
from projects.models import Project
from regions.models import Division
from tracker.models import Department

from .choices import CooperationKind, CooperationState
from .ledger import LEDGER_FIELDS
from .models import AgreementArea, CooperationItem, Counterpart
from .services import save_item

# Counterparts in one cell: 清华大学、北京大学 or 清华大学;北京大学 (full-width ； too). Not
# the comma: firms' and institutes' names hold commas.
SEPARATORS = re.compile(r"[、;；]")


class CounterpartsWidget(NamedManyToManyWidget):
    """Counterparts by name, separated by 、 or ; (a cell naming exactly one counterpart
    whose name holds a separator is read as that one)."""

    def __init__(self, **kwargs):
        super().__init__(Counterpart, field="name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return Counterpart.objects.none()
        # The importing city's counterparts only: another city's list says whom it courts.
        counterparts = self.scoped(Counterpart.objects.all())
        whole = counterparts.filter(name=text)
        if whole.exists():
            return whole
        names = [name.strip() for name in SEPARATORS.split(text) if name.strip()]
        found = counterparts.filter(name__in=names)
        missing = set(names) - {counterpart.name for counterpart in found}
        if missing:
            raise ValueError(
                _("There is no counterpart named “%(names)s”.")
                % {"names": "、".join(sorted(missing))}
            )
        return found


class AreaWidget(TenantScopedWidget, widgets.Widget):
    """An area of the row's agreement, by its title or its number (3, or "3. 科技创新");
    the agreement is the importing city's of that code."""

    def __init__(self, agreement_column, **kwargs):
        self.agreement_column = agreement_column
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        agreement = str((row or {}).get(self.agreement_column) or "").strip()
        areas = self.scoped(AgreementArea.objects.filter(agreement__code=agreement))
        number, _dot, _title = text.partition(".")
        found = areas.filter(title=text).first()
        if found is None and re.fullmatch(r"[0-9]{1,3}", number.strip()):
            found = areas.filter(number=int(number)).first()
        if found is None:
            raise ValueError(
                _("The agreement “%(agreement)s” has no cooperation area “%(area)s”.")
                % {"agreement": agreement, "area": text}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return str(value) if value is not None else ""


class WholeNumberWidget(widgets.IntegerWidget):
    """A count or a year: 2024.7 is a typing slip, refused rather than cut to 2024."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        text = "" if value is None else str(value).strip()
        if re.fullmatch(r"-?[0-9]+\.[0-9]*[1-9][0-9]*", text):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return super().clean(value, row=row, **kwargs)


class CooperationItemResource(LedgerResource):
    """One row per cooperation item; departments by short name, places and counterparts
    by name, the agreement and the project by code, kinds and states by label."""

    owner_field = "department"

    kind = fields.Field(attribute="kind", widget=ChoiceLabelWidget(CooperationKind))
    year = fields.Field(attribute="year", widget=WholeNumberWidget())
    department = fields.Field(
        attribute="department", widget=NamedForeignKeyWidget(Department, "short_name")
    )
    division = fields.Field(attribute="division", widget=NamedForeignKeyWidget(Division, "name"))
    counterparts = fields.Field(attribute="counterparts", widget=CounterpartsWidget())
    agreement = fields.Field(
        attribute="agreement", widget=NamedForeignKeyWidget(CooperationItem, "code")
    )
    area = fields.Field(attribute="area")
    state = fields.Field(attribute="state", widget=ChoiceLabelWidget(CooperationState))
    started_on = fields.Field(attribute="started_on", widget=LedgerDateWidget())
    deadline = fields.Field(attribute="deadline", widget=LedgerDateWidget())
    achieved_on = fields.Field(attribute="achieved_on", widget=LedgerDateWidget())
    investment = fields.Field(attribute="investment", widget=widgets.DecimalWidget())
    people = fields.Field(attribute="people", widget=WholeNumberWidget())
    project = fields.Field(attribute="project", widget=NamedForeignKeyWidget(Project, "code"))
    code = fields.Field(attribute="code", widget=TextWidget())
    title = fields.Field(attribute="title", widget=TextWidget())
    description = fields.Field(attribute="description", widget=TextWidget())

    class Meta(LedgerResource.Meta):
        model = CooperationItem
        import_id_fields = ["code"]
        fields = list(LEDGER_FIELDS)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The area is looked up among the areas of the agreement named in the same row.
        self.fields["area"].widget = AreaWidget(self.fields["agreement"].column_name)
        self.fields["area"].widget.tenant_id = self.tenant_id

    def before_import(self, dataset, **kwargs):
        self.codes_seen = set()
        super().before_import(dataset, **kwargs)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "department", "division", "agreement", "area", "project"
        ).prefetch_related("counterparts")

    def import_instance(self, instance, row, **kwargs):
        # The library sets many-to-many values after the save, outside our service; they are
        # read here instead and handed to save_item, which saves them in its transaction.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Two rows with one code would silently merge (the second updating the first inside
        # the import's transaction): the file is refused instead.
        codes = self.__dict__.setdefault("codes_seen", set())
        if instance.code in codes:
            errors.setdefault("code", []).append(
                _("An earlier row of this file already has this code.")
            )
        codes.add(instance.code)
        field = self.fields["counterparts"]
        self.pending_counterparts = None
        if field.column_name in row:
            try:
                self.pending_counterparts = list(field.clean(row))
            except ValueError as error:
                errors["counterparts"] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def save_with_service(self, instance, by):
        save_item(instance, by=by, counterparts=getattr(self, "pending_counterparts", None))

    def save_m2m(self, instance, row, **kwargs):
        """Saved by the service with the item (``save_with_service``)."""
