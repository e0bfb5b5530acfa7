"""The key-task ledger (重点任务台账) as an Excel sheet."""

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

from .choices import TaskStatus
from .models import Department, KeyTask, WorkPoint
from .services import save_key_task


class WorkPointWidget(TenantScopedWidget, widgets.Widget):
    """A work point as "2023-05 title"; only the year and number before the title count,
    among the importing city's work points."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        match = re.match(r"\s*(\d{4})\s*-\s*(\d{1,3})", str(value))
        work_point = (
            match
            and self.scoped(WorkPoint.objects.all())
            .filter(year=int(match.group(1)), number=int(match.group(2)))
            .first()
        )
        if not work_point:
            raise ValueError(
                _("There is no work point “%(value)s”; write it as 2023-05.") % {"value": value}
            )
        return work_point

    def render(self, value, obj=None, **kwargs):
        return f"{value.year}-{value.number:02d} {value.title}" if value else ""


class KeyTaskResource(LedgerResource):
    owner_field = "lead_department"

    code = fields.Field(attribute="code", widget=TextWidget())
    year = fields.Field(attribute="year", widget=widgets.IntegerWidget())
    title = fields.Field(attribute="title", widget=TextWidget())
    description = fields.Field(attribute="description", widget=TextWidget())
    work_point = fields.Field(attribute="work_point", widget=WorkPointWidget())
    lead_department = fields.Field(
        attribute="lead_department", widget=NamedForeignKeyWidget(Department, "short_name")
    )
    supporting_departments = fields.Field(
        attribute="supporting_departments",
        widget=NamedManyToManyWidget(Department, field="short_name"),
    )
    deadline = fields.Field(attribute="deadline", widget=LedgerDateWidget())
    status = fields.Field(attribute="status", widget=ChoiceLabelWidget(TaskStatus))
    progress = fields.Field(attribute="progress", widget=widgets.IntegerWidget())
    completed_on = fields.Field(attribute="completed_on", widget=LedgerDateWidget())

    class Meta(LedgerResource.Meta):
        model = KeyTask
        import_id_fields = ["code"]
        fields = [
            "code",
            "year",
            "title",
            "description",
            "work_point",
            "lead_department",
            "supporting_departments",
            "deadline",
            "status",
            "progress",
            "completed_on",
        ]

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        supporters = self.fields["supporting_departments"].clean(row)
        if instance.lead_department_id in {department.pk for department in supporters}:
            raise ValidationError(
                {"supporting_departments": _("The lead department cannot also support the task.")}
            )

    def save_with_service(self, instance, by):
        save_key_task(instance, by=by)
