"""One declaration of the ledger's fields (projects.ledger), read by the sheet and the API."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from import_export import widgets

from core.excel import LedgerDateWidget, TextWidget, YesNoWidget
from projects.api.filters import ProjectFilter
from projects.api.serializers import ProjectListSerializer, ProjectSerializer
from projects.ledger import FILTER_FIELDS, LEDGER_FIELDS
from projects.models import Project
from projects.resources import ProjectResource, plain_widget


def test_the_sheet_has_the_ledger_columns_in_order():
    resource = ProjectResource()
    assert [f.attribute for f in resource.get_export_fields()] == list(LEDGER_FIELDS)
    assert [f.attribute for f in resource.get_import_fields()] == list(LEDGER_FIELDS)


@pytest.mark.parametrize("serializer", [ProjectSerializer, ProjectListSerializer])
def test_the_api_shows_the_ledger_fields_in_order(serializer):
    shown = [name for name in serializer.Meta.fields if name in LEDGER_FIELDS]
    assert shown == list(LEDGER_FIELDS)
    assert serializer.Meta.fields[0] == "id"


def test_the_api_filters_by_the_declared_fields():
    assert list(ProjectFilter.base_filters)[: len(FILTER_FIELDS)] == list(FILTER_FIELDS)
    plain = [name for name in FILTER_FIELDS if name != "origin_province"]
    assert set(plain) <= set(LEDGER_FIELDS)


@pytest.mark.parametrize(
    ("model_field", "widget"),
    [
        (models.CharField(max_length=10), TextWidget),
        (models.TextField(), TextWidget),
        (models.DateField(), LedgerDateWidget),
        (models.BooleanField(), YesNoWidget),
        (models.DecimalField(max_digits=14, decimal_places=2), widgets.DecimalWidget),
        (models.PositiveSmallIntegerField(), widgets.IntegerWidget),
    ],
)
def test_a_plain_field_gets_the_sheets_widget_for_its_type(model_field, widget):
    assert type(plain_widget(model_field)) is widget


@pytest.mark.parametrize("name", ["origin", "stage"])
def test_a_related_record_or_a_choice_must_declare_its_column(name):
    with pytest.raises(ImproperlyConfigured, match=name):
        plain_widget(Project._meta.get_field(name))


def test_a_time_is_not_taken_for_a_date():
    with pytest.raises(ImproperlyConfigured):
        plain_widget(models.DateTimeField(name="reported_at"))
