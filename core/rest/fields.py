"""Serializer fields shared by every app's API."""

import datetime
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


# RFC 3339's date-time, as the schema's ``format: date-time`` promises it (T and Z in either
# case, a fraction of up to 6 digits). A space where the offset's sign belongs is read as
# "+": a client that pastes ``+08:00`` into a URL unencoded sends one, and means "+".
RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[-+ ])(?P<offset_hour>[0-9]{2}):(?P<offset_minute>[0-9]{2}))"
)
EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def parse_rfc3339(value):
    """The instant ``value`` names, in UTC; None when it is no RFC 3339 date-time.

    Years 0000 to 9999 are all valid in RFC 3339, and an offset can carry 0001-01-01 or
    9999-12-31 beyond what Python's datetime holds: such an instant is clamped to the first
    or last one Python can hold (no row was changed before or after it anyway) instead of
    failing on a value the schema allows.
    """
    match = RFC3339.fullmatch(value)
    if match is None:
        return None
    part = {key: int(text) for key, text in match.groupdict().items() if text and text.isdigit()}
    if part["hour"] > 23 or part["minute"] > 59 or part["second"] > 59:
        return None
    if part.get("offset_hour", 0) > 23 or part.get("offset_minute", 0) > 59:
        return None
    offset = datetime.timedelta(
        hours=part.get("offset_hour", 0), minutes=part.get("offset_minute", 0)
    )
    if match["sign"] == "-":
        offset = -offset
    fraction = (match["fraction"] or "").ljust(6, "0")
    try:
        local = datetime.datetime(
            part["year"] or 4,  # year 0 is a leap year, as 4 is
            part["month"],
            part["day"],
            part["hour"],
            part["minute"],
            part["second"],
            int(fraction),
        )
    except ValueError:  # month 13, 30 February
        return None
    if part["year"] == 0:  # a valid RFC 3339 year before anything Python (or a row) has
        return EARLIEST
    try:
        return (local - offset).replace(tzinfo=datetime.UTC)
    except OverflowError:
        return EARLIEST if offset > datetime.timedelta(0) else LATEST


class IsoDateTimeField(forms.Field):
    """An RFC 3339 date-time with its offset (``2026-11-26T15:55:01.123456+08:00``): an
    instant, whatever zone the server runs in. Anything else is a 400 naming the field."""

    default_error_messages = {
        "invalid": _(
            "A date and time with its offset, as RFC 3339 writes it "
            "(2026-11-26T15:55:01+08:00 or 2026-11-26T07:55:01Z)."
        )
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        instant = parse_rfc3339(str(value))
        if instant is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return instant


@extend_schema_field(OpenApiTypes.DATETIME)
class IsoDateTimeFilter(django_filters.Filter):
    field_class = IsoDateTimeField


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


class RecordedAt(serializers.DateTimeField):
    """``updated_at`` of an append-only report: when it was recorded, as it never changes
    (a syncing client reads ``updated_at`` on every object)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Equal to created_at: a report never changes.")
        super().__init__(source="created_at", read_only=True, **kwargs)


# The two fields every synced object ends its field list with (core.timestamps).
TIMESTAMPS = ["created_at", "updated_at"]
