"""The project ledger (项目台账) as an Excel sheet."""

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


class ProjectResource(LedgerResource):
    owner_field = "responsible_department"

    code = fields.Field(attribute="code", widget=TextWidget())
    name = fields.Field(attribute="name", widget=TextWidget())
    investor = fields.Field(attribute="investor", widget=TextWidget())
    origin = fields.Field(attribute="origin", widget=NamedForeignKeyWidget(Division, "name"))
    host_division = fields.Field(
        attribute="host_division", widget=NamedForeignKeyWidget(Division, "name")
    )
    park = fields.Field(attribute="park", widget=NamedForeignKeyWidget(Park, "name"))
    industry_chain = fields.Field(attribute="industry_chain", widget=IndustryChainWidget())
    base_function = fields.Field(attribute="base_function", widget=ChoiceLabelWidget(BaseFunction))
    responsible_department = fields.Field(
        attribute="responsible_department",
        widget=NamedForeignKeyWidget(Department, "short_name"),
    )
    year = fields.Field(attribute="year", widget=widgets.IntegerWidget())
    stage = fields.Field(attribute="stage", widget=ChoiceLabelWidget(Stage))
    total_investment = fields.Field(attribute="total_investment", widget=widgets.DecimalWidget())
    funds_in_place = fields.Field(attribute="funds_in_place", widget=widgets.DecimalWidget())
    signed_on = fields.Field(attribute="signed_on", widget=LedgerDateWidget())
    planned_start_on = fields.Field(attribute="planned_start_on", widget=LedgerDateWidget())
    started_on = fields.Field(attribute="started_on", widget=LedgerDateWidget())
    planned_production_on = fields.Field(
        attribute="planned_production_on", widget=LedgerDateWidget()
    )
    produced_on = fields.Field(attribute="produced_on", widget=LedgerDateWidget())
    is_key = fields.Field(attribute="is_key", widget=YesNoWidget())
    description = fields.Field(attribute="description", widget=TextWidget())

    class Meta(LedgerResource.Meta):
        model = Project
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "investor",
            "origin",
            "host_division",
            "park",
            "industry_chain",
            "base_function",
            "responsible_department",
            "year",
            "stage",
            "total_investment",
            "funds_in_place",
            "signed_on",
            "planned_start_on",
            "started_on",
            "planned_production_on",
            "produced_on",
            "is_key",
            "description",
        ]

    def save_with_service(self, instance, by):
        save_project(instance, by=by)
