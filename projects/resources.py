"""The project ledger (项目台账) as an Excel sheet."""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
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

from .choices import BaseFunction, BlockerKind, BlockerState, IndustryChainGroup, Stage
from .ledger import LEDGER_FIELDS
from .models import Blocker, IndustryChain, Project
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

    def after_export(self, queryset, dataset, **kwargs):
        # A second sheet, after the ledger (which alone is read back on import): the
        # unsolved problems of the projects exported. core.excel.LedgerXLSX writes it.
        dataset.more_sheets = [open_blockers_sheet(queryset, user=self.user)]
        super().after_export(queryset, dataset, **kwargs)


# The sheet of unsolved problems (未解决困难问题): (column, value of a problem), in order.
BLOCKER_COLUMNS = (
    ("code", lambda b, today: b.project.code),
    ("project", lambda b, today: b.project.name),
    ("title", lambda b, today: b.title),
    ("kind", lambda b, today: str(BlockerKind(b.kind).label)),
    ("raising_department", lambda b, today: b.raising_department.short_name),
    ("coordinating_department", lambda b, today: department_name(b.coordinating_department)),
    ("deadline", lambda b, today: b.deadline.isoformat() if b.deadline else ""),
    ("state", lambda b, today: str(BlockerState(b.state).label)),
    ("days_open", lambda b, today: (today - timezone.localtime(b.raised_at).date()).days),
)


def department_name(department):
    return department.short_name if department is not None else ""


def blocker_header(name):
    if name == "code":
        return str(Project._meta.get_field("code").verbose_name)
    if name == "days_open":
        return _("days open")
    return str(Blocker._meta.get_field(name).verbose_name)


def open_blockers_sheet(projects, today=None, user=None):
    """(title, headers, rows) of the unsolved problems of ``projects``, oldest first; with
    ``user``, only the problems they read (a province user exporting its cities' shared
    projects reads none of their problems)."""
    today = today or timezone.localdate()
    problems = Blocker.objects.visible_to(user) if user is not None else Blocker.objects.all()
    blockers = (
        problems.unsolved()
        .filter(project__in=projects.order_by().values("pk"))
        .select_related("project", "raising_department", "coordinating_department")
        .order_by("raised_at", "pk")
    )
    rows = [[value(blocker, today) for _name, value in BLOCKER_COLUMNS] for blocker in blockers]
    headers = [blocker_header(name) for name, _value in BLOCKER_COLUMNS]
    return _("Unsolved problems"), headers, rows
