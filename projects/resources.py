"""The project ledger (项目台账) as an Excel sheet."""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Count
from import_export import fields, widgets

from core.excel import (
    ChoiceLabelWidget,
    LedgerDateWidget,
    LedgerResource,
    NamedForeignKeyWidget,
    TextWidget,
    YesNoWidget,
)
from regions.models import Division, Park
from tracker.models import Department

from .choices import BaseFunction, IndustryChainGroup, Stage
from .ledger import LEDGER_FIELDS
from .models import IndustryChain, Project
from .services import save_project


class IndustryChainWidget(NamedForeignKeyWidget):
    """A chain by name; a name in two groups carries its group: 生物医药(河北“五群”)."""

    def __init__(self, **kwargs):
        super().__init__(IndustryChain, "name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for group in IndustryChainGroup:
            suffix = f"({group.label})"
            if text.endswith(suffix):
                name = text.removesuffix(suffix)
                chain = IndustryChain.objects.filter(name=name, group=group.value).first()
                if chain:
                    return chain
        return super().clean(value, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if value.name in self.shared_names():
            return f"{value.name}({value.get_group_display()})"
        return value.name

    def shared_names(self):
        # Looked up once per export, not once per row.
        if not hasattr(self, "_shared_names"):
            self._shared_names = set(
                IndustryChain.objects.values("name")
                .annotate(groups=Count("id"))
                .filter(groups__gt=1)
                .values_list("name", flat=True)
            )
        return self._shared_names


# The sheet's widget for each kind of plain field, the first that matches: text as text (an
# empty cell is ""), dates as officials write them, yes/no as 是/否. The library's own
# choice differs (1/0 for booleans, and an empty cell turned into the model default).
PLAIN_WIDGETS = (
    (models.BooleanField, YesNoWidget),
    (models.DateTimeField, None),  # a DateField too, but no ledger column keeps a time
    (models.DateField, LedgerDateWidget),
    (models.DecimalField, widgets.DecimalWidget),
    (models.IntegerField, widgets.IntegerWidget),
    (models.CharField, TextWidget),
    (models.TextField, TextWidget),
)


def plain_widget(model_field):
    widget = None
    if not (model_field.is_relation or model_field.choices):
        widget = next((w for kind, w in PLAIN_WIDGETS if isinstance(model_field, kind)), None)
    if widget is None:
        raise ImproperlyConfigured(
            f"ProjectResource: declare the column “{model_field.name}”: its widget does not "
            "follow from its type (a related record or a choice is written by name or label)."
        )
    return widget()


class ProjectResource(LedgerResource):
    """The ledger's columns (projects.ledger), each headed by its field's verbose name.

    Plain fields get their widget from their type (``plain_widget``); the related records
    and choices are declared here, to be written by name or label.
    """

    owner_field = "responsible_department"

    origin = fields.Field(attribute="origin", widget=NamedForeignKeyWidget(Division, "name"))
    host_division = fields.Field(
        attribute="host_division", widget=NamedForeignKeyWidget(Division, "name")
    )
    park = fields.Field(attribute="park", widget=NamedForeignKeyWidget(Park, "name"))
    industry_chain = fields.Field(attribute="industry_chain", widget=IndustryChainWidget())
    base_function = fields.Field(attribute="base_function", widget=ChoiceLabelWidget(BaseFunction))
    # By its short name (商务局), as the ledgers name departments.
    responsible_department = fields.Field(
        attribute="responsible_department",
        widget=NamedForeignKeyWidget(Department, "short_name"),
    )
    stage = fields.Field(attribute="stage", widget=ChoiceLabelWidget(Stage))

    class Meta(LedgerResource.Meta):
        model = Project
        import_id_fields = ["code"]
        fields = list(LEDGER_FIELDS)

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        # Called for each field of Meta.fields not declared above.
        return fields.Field(
            attribute=field_name, widget=plain_widget(django_field), readonly=readonly
        )

    def save_with_service(self, instance, by):
        save_project(instance, by=by)
