"""The ``updates`` action of a reported-on record (a project, a key task): its reports."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from .choices import restrict_choices


def reports_action(*, report_serializer, input_serializer, record, on, description):
    """A detail action ``updates``: GET lists the record's reports (``record.updates``),
    paginated but for spreadsheets; POST validates ``input_serializer`` and records a
    report through the service ``record``, called as ``record(<on>=..., author=..., ...)``.

    ``description`` is the action's docstring, which the API schema shows.
    """

    def updates(self, request, pk=None):
        obj = self.get_object()
        if request.method == "GET":
            reports = obj.updates.all()
            page = self.paginate_queryset(reports)
            if page is None:  # a spreadsheet: every report
                return Response(report_serializer(reports, many=True).data)
            return self.get_paginated_response(report_serializer(page, many=True).data)
        data = restrict_choices(input_serializer(data=request.data), request.user)
        data.is_valid(raise_exception=True)
        report = record(**{on: obj}, author=request.user, **data.validated_data)
        return Response(report_serializer(report).data, status=status.HTTP_201_CREATED)

    # The docstring is read when the action is declared: set it first.
    updates.__doc__ = description
    updates = action(detail=True, methods=["get", "post"], serializer_class=report_serializer)(
        updates
    )
    updates = extend_schema(
        methods=["POST"], request=input_serializer, responses={201: report_serializer}
    )(updates)
    return extend_schema(methods=["GET"], responses=report_serializer(many=True))(updates)
