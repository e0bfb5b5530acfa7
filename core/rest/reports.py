"""The ``updates`` action of a reported-on record (a project, a key task): its reports."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..reports import locking_within
from .choices import restrict_choices


def reports_action(*, report_serializer, input_serializer, record, on, description):
    """A detail action ``updates``: GET lists the record's reports (``record.updates``),
    paginated but for spreadsheets; POST validates ``input_serializer`` and records a
    report through the service ``record``, called as ``record(<on>=..., author=..., ...)``.

    ``description`` is the action's docstring, which the API schema shows.

    A POST reads the record once, locked, within what the caller may read (the service
    locks it: ``core.reports.locking_within``), not the detail with every report and then
    again to lock it; what the caller may not read is a 404 and what they may not change
    a 403, as on the detail, and a report the rules refuse a 400.
    """

    def updates(self, request, pk=None):
        if request.method == "GET":
            reports = self.get_object().updates.all()
            page = self.paginate_queryset(reports)
            if page is None:  # a spreadsheet: every report
                return Response(report_serializer(reports, many=True).data)
            return self.get_paginated_response(report_serializer(page, many=True).data)
        data = restrict_choices(input_serializer(data=request.data), request.user)
        if not data.is_valid():
            self.get_object()  # a 404 or 403 comes before the body's 400, as it always did
            raise exceptions.ValidationError(data.errors)
        model = self.queryset.model
        try:
            with locking_within(model._default_manager.visible_to(request.user)):
                report = record(**{on: model(pk=pk)}, author=request.user, **data.validated_data)
        except model.DoesNotExist:
            raise Http404 from None
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
