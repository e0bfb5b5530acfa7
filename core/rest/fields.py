"""Serializer fields shared by every app's API."""

import re

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validators import FIRST_YEAR, LAST_YEAR, ONE_LINE_MESSAGE, ONE_LINE_REGEX


class LabelField(serializers.CharField):
    """The human label of a choice field, in the request's language.

    Looks the label up in the model field's choices instead of calling
    ``get_FOO_display``: DRF inspects every callable it reads, which costs more than the
    rest of a row when a page carries hundreds of them.
    """

    def __init__(self, source, **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        model_field = parent.Meta.model._meta.get_field(self.source)
        self.labels = dict(model_field.flatchoices)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class RelatedName(serializers.CharField):
    """The name of a linked object (``"park.name"``), or null when there is no link.

    Unlike a CharField with a default, it is never left out of a partial update's answer.
    """

    def __init__(self, source, **kwargs):
        super().__init__(source=source, read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, instance):
        for attribute in self.source_attrs:
            if instance is None:
                return None
            instance = getattr(instance, attribute)
        return instance


# A name, code or title holds no line break or control character (core.validators): DRF
# checks it before the model does, and the schema shows it as a pattern.
one_line = RegexValidator(ONE_LINE_REGEX, ONE_LINE_MESSAGE)


class OneLineFieldsMixin:
    """For a ModelSerializer: the text fields in ``Meta.one_line_fields`` must be one line.

    Added to the fields ModelSerializer builds rather than through ``extra_kwargs``, which
    would replace their validators (a unique code's among them).
    """

    def get_fields(self):
        fields = super().get_fields()
        for name in getattr(self.Meta, "one_line_fields", ()):
            fields[name].validators.append(one_line)
        return fields


# A year field's limits, in ``extra_kwargs``: the same range as the models' clean().
YEAR = {"min_value": FIRST_YEAR, "max_value": LAST_YEAR}


class WrittenAsSchemaSays:
    """For a form field: a value must be written as the schema writes its type
    (``written_as``, a regex) before the field parses it. Django's fields read more (an
    IntegerField ``12.0`` and `` 12 ``, a DateField ``10/25/2006`` and ``2023-1-5``), which
    the schema calls invalid."""

    written_as = None

    def to_python(self, value):
        if value not in self.empty_values and not self.written_as.fullmatch(str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WholeNumberField(WrittenAsSchemaSays, forms.IntegerField):
    written_as = re.compile(r"-?[0-9]+")


class IsoDateField(WrittenAsSchemaSays, forms.DateField):
    written_as = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


@extend_schema_field(OpenApiTypes.INT64)
class IntegerFilter(django_filters.NumberFilter):
    """A query filter on a whole number (an id, a year).

    1.5, ``abc`` or a number beyond bigint is a 400; an id no row has is an empty list, as
    with any filter that matches nothing (a choice among existing rows would make it a 400,
    which no schema can promise a client).
    """

    field_class = WholeNumberField

    def __init__(self, *args, **kwargs):
        # Within bigint: SQLite's driver overflows on a larger id where PostgreSQL's
        # simply finds none, so both answer a 400 instead.
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """``true`` or ``false``, as the schema's boolean is written; empty means "not given".

    django-filter's own boolean field reads anything else (``null``, ``yes``, ``2``) as "not
    given" and answers the whole list, so a client's typo looked like a filter that worked.
    """

    default_error_messages = {"invalid": _("Either true or false.")}
    VALUES = {"true": True, "false": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value not in self.VALUES:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return self.VALUES[value]


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


# A FilterSet's ``Meta.filter_overrides``: links and small integers as IntegerFilter,
# yes/no fields as StrictBooleanFilter.
FILTER_OVERRIDES = {
    models.ForeignKey: {"filter_class": IntegerFilter},
    models.PositiveSmallIntegerField: {"filter_class": IntegerFilter},
    models.BooleanField: {"filter_class": StrictBooleanFilter},
}
