"""What both statistics endpoints do: read ``group_by`` and the list filters, group the
filtered rows in one query, label the groups, sum them up and answer with the total;
and document all that in the API schema.

Statistics are aggregates, never rows: they are computed over
``queryset.for_aggregates(user)`` (core.ownership), so a city sees its own figures, a
province the whole of its cities' (a lead counts for its city although the province may
not list it) and a region its chain projects. ``group_by=city`` (``city_grouping``) shows
a province's roll-up city by city.
"""

import copy

from django.apps import apps
from django.db.models import F
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.rest.viewsets import CleanQueryMixin


def month_key(value):
    return value.strftime("%Y-%m") if value else None


# A province's roll-up counts its cities' rows wholly, but only as coarse figures: by city,
# stage, year or kind, narrowed by year, stage or kind. A finer question (one department,
# project, park or chain) could single out one lead or one problem of a city, so it is
# answered over the rows the user may list (core.ownership.visible_to) instead.
COARSE_GROUPS = {"city", "stage", "year", "kind", "state", "aspect", "month"}
COARSE_FILTERS = {"group_by", "year", "stage", "kind", "state", "format"}


def is_coarse(params):
    """Is this a coarse question, answered over the province's whole cities?"""
    return params.get("group_by") in COARSE_GROUPS and set(params) <= COARSE_FILTERS


def aggregated(queryset, request):
    """The rows the caller's statistics count (see the module's docstring)."""
    if is_coarse(request.query_params):
        return queryset.for_aggregates(request.user)
    return queryset.visible_to(request.user)


def city_grouping(path="tenant"):
    """``group_by=city``: the tenant's GB/T 2260 code as the key, its name as the label."""

    def label(keys):
        tenant = apps.get_model("regions", "Tenant")
        return dict(tenant.objects.filter(code__in=keys).values_list("code", "name"))

    return (F(f"{path}_id"), label)


def grouped(request, *, groupings, filterset_class, queryset, sums, order, tallied=None):
    """Returns (group_by, groups, total, source); groups are sorted by ``order``, then key.

    ``groupings`` maps each ``group_by`` to (expression to group on, keys → labels).
    ``tallied(group_by, filterset)``, when given, may answer the grouped rows from
    maintained aggregates (``[{"group_key": ..., **sums}]`` in the rows' order), or None;
    ``source`` says which answered: "tally" or "rows".
    """
    group_by = request.query_params.get("group_by")
    if group_by not in groupings:
        raise exceptions.ValidationError(
            {"group_by": _("Choose one of: %(choices)s") % {"choices": ", ".join(groupings)}}
        )
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise exceptions.ValidationError(filterset.errors)
    expression, label = groupings[group_by]
    rows = tallied(group_by, filterset) if tallied else None
    source = "rows" if rows is None else "tally"
    if rows is None:
        rows = list(
            filterset.qs.annotate(group_key=expression)
            .values("group_key")
            .annotate(**sums)
            .order_by(order, "group_key")
        )
    labels = label([row["group_key"] for row in rows if row["group_key"] is not None])
    not_set = _("Not set")  # translated once, not once per group (600 parks)
    groups = [
        {
            "key": month_key(row["group_key"]) if group_by == "month" else row["group_key"],
            "label": labels.get(row["group_key"], not_set),
            **{name: row[name] for name in sums},
        }
        for row in rows
    ]
    # The groups partition the rows, so the total is their sum: no second scan.
    total = {name: sum(row[name] or 0 for row in rows) for name in sums}
    return group_by, groups, total, source


def group_serializer(name, *, key_help, label_help=None, **sums):
    """The schema of one group (and of the total row): key, label and the sums."""
    key = serializers.JSONField(allow_null=True, help_text=key_help)
    label = serializers.CharField(help_text=label_help)
    # A serializer orders its fields by when they were made: copies of the sums, made
    # now, come after the key and the label.
    sums = {name: copy.deepcopy(field) for name, field in sums.items()}
    return inline_serializer(name, {"key": key, "label": label, **sums})


def stats_serializer(name, group, *, unit=False):
    """The schema of a statistics answer: what it groups by, its unit if it has one (see
    ``StatsView.unit``), the groups and their total, both of the ``group`` schema."""
    return inline_serializer(
        name,
        {
            "group_by": serializers.CharField(),
            **({"unit": serializers.CharField()} if unit else {}),
            "groups": group.__class__(many=True),
            "total": group,
        },
    )


class StatsSchema(AutoSchema):
    """Documents a statistics view from what it declares: the required ``group_by`` (one
    of its groupings), its answer, and its list's filters, although it answers one
    object, not a list: the statistics read the same filters as their list, and the
    schema shows them with the list's types and choices."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])

    def get_override_parameters(self):
        group_by = OpenApiParameter("group_by", enum=list(self.view.groupings), required=True)
        return [*super().get_override_parameters(), group_by]

    def get_response_serializers(self):
        return self.view.response_serializer


class StatsView(CleanQueryMixin, APIView):
    """A statistics endpoint: the rows of ``queryset`` that the list filters
    (``filterset_class``) keep, grouped by one of ``groupings``, summed up by ``sums()``,
    sorted by ``order`` and shown by ``shown()``, with their total. ``response_serializer``
    documents the answer (``stats_serializer``)."""

    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    schema = StatsSchema()
    filterset_class = None
    queryset = None
    groupings = None  # group_by -> (expression to group on, keys -> labels)
    order = None
    unit = None  # e.g. 万元 for money, said in the answer
    response_serializer = None

    def sums(self):
        """The aggregates of each group, by name."""
        raise NotImplementedError

    def shown(self, row):
        """A group or the total as answered (e.g. money as strings)."""
        return row

    def from_tally(self, request, group_by, filterset):
        """The grouped rows from maintained aggregates (as ``grouped`` makes them from the
        rows, in the same order), or None when they do not cover the question."""
        return None

    def get(self, request):
        group_by, groups, total, source = grouped(
            request,
            groupings=self.groupings,
            filterset_class=self.filterset_class,
            queryset=aggregated(self.queryset.all(), request),
            sums=self.sums(),
            order=self.order,
            tallied=lambda group_by, filterset: self.from_tally(request, group_by, filterset),
        )
        response = Response(
            {
                "group_by": group_by,
                **({"unit": self.unit} if self.unit else {}),
                "groups": [self.shown(group) for group in groups],
                "total": {"key": None, "label": _("Total"), **self.shown(total)},
            }
        )
        # Which answered, for the benchmark and the tests: the tally or the rows.
        response["X-Stats-Source"] = source
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # A subclass's own get() (problems, cooperation by province) groups the rows.
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and not response.has_header("X-Stats-Source"):
            response["X-Stats-Source"] = "rows"
        return response
