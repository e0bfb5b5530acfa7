"""/api/v1/reporting/: who owes what (按期填报, 签收) on a day, and the dashboard's department
panel (tasks awaiting receipt, reports missing, items on each rung of the ladder).

Read-only, for every signed-in user and token: officials read everything of their own city
(the department rule is about writes), and only of it: a province's users see the
province's own departments, never a city's (the province's roll-ups are statistics). A day
is looked at as of its end in the site's time zone (Asia/Shanghai); days outside the
tracker's years (2000–2100) owe nothing.
"""

from django import forms
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.rest.fields import IsoDateField, WholeNumberField
from core.rest.viewsets import CleanQueryMixin
from core.tenancy import reach_of
from tracker.choices import TaskState
from tracker.models import Department, EscalationRung, KeyTask
from workdays.calendar import calendar as workday_calendar

from ..ladder import rung_counts
from ..owed import count_owed, end_of_day, owed_items, within_tracked_years
from .serializers import DEPARTMENTS_ANSWER, OwedItemSerializer

DATE = OpenApiParameter(
    "date",
    OpenApiTypes.DATE,
    description="The day (default: today), looked at as of its end in Asia/Shanghai.",
)
DEPARTMENT = OpenApiParameter(
    "department", OpenApiTypes.INT64, description="A department's id: only what it owes."
)


class DateQuery(forms.Form):
    date = IsoDateField(required=False)


class DepartmentDateQuery(DateQuery):
    # Within bigint, as every id filter (core.rest.fields.IntegerFilter).
    department = WholeNumberField(required=False, min_value=-(2**63), max_value=2**63 - 1)


def own(queryset, user):
    """The rows of ``user``'s own tenant (every one for a superuser)."""
    reach = reach_of(user)
    return queryset if reach.everything else queryset.for_tenants(reach.own)


def own_rungs(user):
    """The escalation ladder of the user's city (a superuser's: the home city's, one
    ladder, not every city's rungs mixed), lowest rung first."""
    city = reach_of(user).tenant_id or settings.TRACKER_CITY_CODE
    rungs = EscalationRung.objects.for_tenants([city]).filter(is_active=True)
    return list(rungs.order_by("working_days"))


class ReportingView(CleanQueryMixin):
    """Reads its query (``query_form``) strictly: a 400 names each wrong parameter."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "head", "options"]
    query_form = DateQuery

    def query(self):
        """The query's values; ``date`` defaults to today."""
        form = self.query_form(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        return {**form.cleaned_data, "date": form.cleaned_data["date"] or timezone.localdate()}


class MissingReportsView(ReportingView, generics.ListAPIView):
    """What departments owe on a day: progress reports missing at the last cut-off of their
    cycle, and tasks not acknowledged in time; by department, what, cut-off and code."""

    serializer_class = OwedItemSerializer
    filter_backends = []
    query_form = DepartmentDateQuery

    @extend_schema(parameters=[DATE, DEPARTMENT])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = self.query()
        items = owed_items(end_of_day(query["date"]), workday_calendar(), query["department"])
        names = self.department_names()
        return [item for item in items if item.department_id in names]

    def department_names(self):
        if not hasattr(self, "_names"):
            departments = own(Department.objects.all(), self.request.user)
            self._names = dict(departments.values_list("pk", "name"))
        return self._names

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "department_names": self.department_names()}


def awaiting_receipt(moment, user):
    """{department id: key tasks of ``user``'s city assigned by ``moment`` (or at a time not
    recorded) and still awaiting receipt}."""
    tasks = own(KeyTask.objects.all(), user).filter(
        Q(assigned_at__lte=moment) | Q(assigned_at__isnull=True), state=TaskState.ASSIGNED
    )
    return dict(tasks.order_by().values_list("lead_department").annotate(count=Count("pk")))


class DepartmentReportingView(ReportingView, APIView):
    """Per department on a day: key tasks awaiting receipt, progress reports missing,
    receipts overdue, and open items on each rung of the escalation ladder (the rungs'
    names in ``rungs``); for the dashboard's department panel."""

    @extend_schema(parameters=[DATE], responses=DEPARTMENTS_ANSWER)
    def get(self, request):
        day = self.query()["date"]
        rungs = own_rungs(request.user)
        waiting, owed, climbs = {}, {}, {}
        if within_tracked_years(day):
            moment, calendar = end_of_day(day), workday_calendar()
            waiting = awaiting_receipt(moment, request.user)
            owed = count_owed(moment, calendar)
            climbs = rung_counts(day, calendar, rungs)
        results = [
            {
                "id": department.pk,
                "name": department.name,
                "short_name": department.short_name,
                "awaiting_receipt": waiting.get(department.pk, 0),
                "missing_reports": owed.get(department.pk, {}).get("reports", 0),
                "overdue_receipts": owed.get(department.pk, {}).get("receipts", 0),
                "rungs": {
                    str(rung.working_days): climbs.get(department.pk, {}).get(rung.working_days, 0)
                    for rung in rungs
                },
            }
            for department in own(Department.objects.all(), request.user).order_by("name")
        ]
        return Response(
            {
                "date": day.isoformat(),
                "rungs": [
                    {"working_days": r.working_days, "name": r.name, "audience": r.audience}
                    for r in rungs
                ],
                "results": results,
            }
        )
