"""What both statistics endpoints do: read ``group_by`` and the list filters, group the
filtered rows in one query, label the groups and sum them up."""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, permissions
from rest_framework.views import APIView

from core.rest.viewsets import CleanQueryMixin


def month_key(value):
    return value.strftime("%Y-%m") if value else None


def grouped(request, *, groupings, filterset_class, queryset, sums, order):
    """Returns (group_by, groups, total); groups are sorted by ``order``, then key.

    ``groupings`` maps each ``group_by`` to (expression to group on, keys → labels).
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
    rows = list(
        filterset.qs.annotate(group_key=expression)
        .values("group_key")
        .annotate(**sums)
        .order_by(order, "group_key")
    )
    labels = label([row["group_key"] for row in rows if row["group_key"] is not None])
    groups = [
        {
            "key": month_key(row["group_key"]) if group_by == "month" else row["group_key"],
            "label": labels.get(row["group_key"], _("Not set")),
            **{name: row[name] for name in sums},
        }
        for row in rows
    ]
    # The groups partition the rows, so the total is their sum: no second scan.
    total = {name: sum(row[name] or 0 for row in rows) for name in sums}
    return group_by, groups, total


class FilteredSchema(AutoSchema):
    """Documents a view's filters although it answers one object, not a list: the
    statistics read the same filters as their list, and the schema shows them with the
    list's types and choices."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


class StatsView(CleanQueryMixin, APIView):
    """A statistics endpoint: ``filterset_class`` and ``queryset`` say what it groups."""

    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    schema = FilteredSchema()
    filterset_class = None
    queryset = None
