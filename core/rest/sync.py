"""What a syncing client pages by: every list's ``updated_after``, ``updated_before`` and
``after_id``, and ``ordering=updated_at`` (docs/api.md, "Keeping a copy in step").

The filters are a backend of their own, beside each list's FilterSet, so that every list
whose model has ``updated_at`` gets them without a line in its app. The keyset page
itself is core.rest.pagination's.
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, filters
from rest_framework.filters import BaseFilterBackend

from .fields import IsoDateTimeField, WholeNumberField

BIGINT = {"min_value": -(2**63), "max_value": 2**63 - 1}


def has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def view_model(view):
    queryset = getattr(view, "queryset", None)
    return None if queryset is None else queryset.model


class KeysetFilter(BaseFilterBackend):
    """``<after>`` / ``<before>`` on a date-time ``field`` and ``after_id``:

    - ``<after>=t``: rows with ``field > t``;
    - ``<after>=t&after_id=n``: rows after the row (t, n) in (field, id) order, that is
      ``field > t`` or ``field = t and id > n`` (the position a keyset page left off at);
    - ``after_id=n`` alone: rows with ``id > n``;
    - ``<before>=t``: rows with ``field < t``.

    A value that is no RFC 3339 date-time, or no whole number, is a 400 naming the
    parameter; an empty value means "not given", as with every filter of the API.
    """

    field = "updated_at"
    after_param = "updated_after"
    before_param = "updated_before"
    id_param = "after_id"

    def applies(self, model):
        return model is not None and has_field(model, self.field)

    def form_class(self):
        fields = {
            self.after_param: IsoDateTimeField(required=False),
            self.id_param: WholeNumberField(required=False, **BIGINT),
        }
        if self.before_param:
            fields[self.before_param] = IsoDateTimeField(required=False)
        return type("KeysetForm", (forms.Form,), fields)

    def cleaned(self, request):
        form = self.form_class()(data=request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(message) for message in errors] for name, errors in form.errors.items()}
            )
        return form.cleaned_data

    def filter_queryset(self, request, queryset, view):
        if not self.applies(queryset.model):
            return queryset
        values = self.cleaned(request)
        after, after_id = values[self.after_param], values[self.id_param]
        if after is not None and after_id is not None:
            # Written as a range and a refinement, so that the (field, id) index serves the
            # range on PostgreSQL and SQLite alike (an OR of two ranges it would not).
            queryset = queryset.filter(**{f"{self.field}__gte": after}).filter(
                Q(**{f"{self.field}__gt": after}) | Q(pk__gt=after_id)
            )
        elif after is not None:
            queryset = queryset.filter(**{f"{self.field}__gt": after})
        elif after_id is not None:
            queryset = queryset.filter(pk__gt=after_id)
        before = values.get(self.before_param) if self.before_param else None
        if before is not None:
            queryset = queryset.filter(**{f"{self.field}__lt": before})
        return queryset

    def get_schema_operation_parameters(self, view):
        if not self.applies(view_model(view)):
            return []
        parameters = [
            date_time_parameter(
                self.after_param,
                f"Only rows with {self.field} after this instant (RFC 3339, with its offset); "
                f"with {self.id_param}, rows after the row ({self.after_param}, "
                f"{self.id_param}) in ({self.field}, id) order: where a keyset page left off.",
            ),
            {
                "name": self.id_param,
                "in": "query",
                "required": False,
                "description": f"With {self.after_param}: the id of the last row already "
                f"read at that {self.field}. Alone: rows with a greater id.",
                "schema": {"type": "integer", "format": "int64"},
            },
        ]
        if self.before_param:
            parameters.append(
                date_time_parameter(
                    self.before_param,
                    f"Only rows with {self.field} before this instant (RFC 3339, with its offset).",
                )
            )
        return parameters


def date_time_parameter(name, description):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "format": "date-time"},
    }


class SyncOrderingFilter(filters.OrderingFilter):
    """The list's own orderings, and ``updated_at`` on every list that has it; an order by
    ``updated_at`` is completed by ``id``, so that rows changed at the same instant keep
    one order from page to page (a client paging by page numbers would otherwise see some
    twice and others never)."""

    sync_field = "updated_at"
    ordering_description = _(
        "Which field to order by, descending with a leading '-'. Every list may be "
        "ordered by updated_at: ordering=updated_at without page is the keyset mode a "
        "syncing client pages through (docs/api.md)."
    )

    def get_valid_fields(self, queryset, view, context=None):
        valid = super().get_valid_fields(queryset, view, context or {})
        if has_field(queryset.model, self.sync_field) and all(
            name != self.sync_field for name, _label in valid
        ):
            valid = [*valid, (self.sync_field, self.sync_field)]
        return valid

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        terms = [term.lstrip("-") for term in ordering or ()]
        if self.sync_field in terms and not {"id", "pk"} & set(terms):
            descending = ordering[terms.index(self.sync_field)].startswith("-")
            ordering = [*ordering, "-pk" if descending else "pk"]
        return ordering


def asks_for_keyset(request, view, queryset):
    """The keyset mode: a list ordered by ``updated_at`` with no ``page`` (what a syncing
    client asks for). A report list under a record (``updates/``) has no such order."""
    return (
        getattr(view, "action", "list") == "list"
        and request.query_params.get("ordering") == SyncOrderingFilter.sync_field
        and "page" not in request.query_params
        and has_field(queryset.model, SyncOrderingFilter.sync_field)
    )
