"""/api/v1/rankings/: the counties' or the departments' ranking for a week, a month or a
year to date (docs/rankings.md); for a province's users, its cities' or its departments'.
Read-only, for every signed-in official and token of a city or a province; a regional
working group's users get 403 (it ranks nothing)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.rest.fields import IsoDateField
from core.rest.viewsets import CleanQueryMixin
from core.validators import FIRST_YEAR, LAST_YEAR

from ..counting import Unit
from ..periods import PeriodKind, period_of
from ..rankings import ranking, ranking_tenant, units_of
from .ranking_serializers import RankingAnswerSerializer

# YYYY-MM-DD from FIRST_YEAR (2000) to LAST_YEAR (2100), every day of each month, 29
# February in the leap years (2000 is one, 2100 is not).
DATE_IN_RANGE = (
    r"^(?:(?:20[0-9]{2}|2100)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|20(?:[02468][048]|[13579][26])-02-29)$"
)
assert (FIRST_YEAR, LAST_YEAR) == (2000, 2100), "DATE_IN_RANGE spells these years out"

PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=PeriodKind.values,
        description="week (Monday to Sunday), month, or year (1 January to the date); "
        "default: month.",
    ),
    OpenApiParameter(
        "date",
        # A date written as the schema's date type is, within the years the query reads:
        # with format "date" alone a client (or a fuzzer) may send 2699-09-21, which the
        # schema calls valid and the query refuses.
        {"type": "string", "pattern": DATE_IN_RANGE},
        description="A day in the period (for a year: its last day); default: today in "
        "Asia/Shanghai. Years 2000 to 2100.",
    ),
    OpenApiParameter(
        "unit",
        OpenApiTypes.STR,
        enum=Unit.values,
        description="Rank the county-level divisions or the departments (default: county); "
        "a province's users rank its cities or its departments (default: city), and only "
        "they may ask for city.",
    ),
]


class RankingQuery(forms.Form):
    period = forms.ChoiceField(choices=PeriodKind.choices, required=False)
    date = IsoDateField(required=False)
    unit = forms.ChoiceField(choices=Unit.choices, required=False)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Choose a date from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


class RankingsView(CleanQueryMixin, APIView):
    """Each county (or department) with its figures, completion rates against its annual
    targets, reporting discipline (departments), score, rank, change of rank since the
    period before, and its place on the red or black list."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "head", "options"]

    def query(self, tenant):
        form = RankingQuery(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        data = form.cleaned_data
        allowed = units_of(tenant)
        if data["unit"] and data["unit"] not in allowed:
            # A valid unit another kind of office ranks (a city asking for cities, a
            # province for counties): not a malformed request but one it may not make.
            raise exceptions.PermissionDenied(
                _("Your office ranks: %(units)s.")
                % {"units": ", ".join(str(unit) for unit in allowed)}
            )
        return (
            data["period"] or PeriodKind.MONTH,
            data["date"] or timezone.localdate(),
            data["unit"] or allowed[0],
        )

    @extend_schema(parameters=PARAMETERS, responses=RankingAnswerSerializer)
    def get(self, request):
        tenant = ranking_tenant(request.user)  # a regional user: 403 with the reason
        kind, day, unit = self.query(tenant)
        result = ranking(period_of(kind, day), unit, tenant)
        return Response(RankingAnswerSerializer(result).data)
