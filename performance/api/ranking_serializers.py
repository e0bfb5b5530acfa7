"""What /api/v1/rankings/ answers, as serializers: they write the answer and document it.

Decimals are strings, as everywhere in this API. Rates carry 4 decimals and money 2; both
are documented by their own pattern, not as ``format: decimal``, which the schema hook
(core.rest.schema) reads as money that is never negative: funds that arrived in a period
are negative when a correction lowered them.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from performance.counting import Measure
from performance.periods import PeriodKind


@extend_schema_field({"type": "string", "enum": ["red", "black", ""]})
class ListField(serializers.CharField):
    """Which list a unit is on: red, black, or none (an empty string)."""


def decimal_string(places):
    """A Decimal written as a string with ``places`` decimals (negative allowed)."""
    pattern = rf"^-?\d+\.\d{{{places}}}$"

    @extend_schema_field({"type": "string", "pattern": pattern, "example": "0." + "0" * places})
    class DecimalString(serializers.Field):
        def __init__(self, **kwargs):
            super().__init__(read_only=True, **kwargs)

        def to_representation(self, value):
            return str(Decimal(value).quantize(Decimal(1).scaleb(-places)))

    return DecimalString


Rate = decimal_string(4)
Money = decimal_string(2)


def measures(name, *, count, money, doc):
    """A serializer with one field per measure, built by ``count`` and ``money``."""
    fields = {
        measure.value: (money() if measure == Measure.FUNDS else count()) for measure in Measure
    }
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


MeasureFigures = measures(
    "RankingFigures",
    count=lambda: serializers.IntegerField(read_only=True),
    money=lambda: Money(help_text="10,000 yuan (万元)."),
    doc="Each measure's actual: projects counted, and funds in place in 万元.",
)
MeasureTargets = measures(
    "RankingTargets",
    count=lambda: serializers.IntegerField(read_only=True, allow_null=True),
    money=lambda: Money(allow_null=True, help_text="10,000 yuan (万元)."),
    doc="The unit's annual target per measure (null: no target).",
)
MeasureRates = measures(
    "RankingRates",
    count=lambda: Rate(allow_null=True),
    money=lambda: Rate(allow_null=True),
    doc="Year to date over the annual target per measure, 4 decimals (null: no target).",
)


class RankingPeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PeriodKind.choices, read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    label = serializers.CharField(read_only=True)


class RankingWeightsSerializer(serializers.Serializer):
    """The settings the ranking was scored with (those in force at the period's end)."""

    signed = serializers.IntegerField(read_only=True)
    started = serializers.IntegerField(read_only=True)
    producing = serializers.IntegerField(read_only=True)
    funds_in_place = serializers.IntegerField(read_only=True)
    jjj_projects = serializers.IntegerField(read_only=True)
    targets = serializers.IntegerField(read_only=True, help_text="Weight of the targets part.")
    discipline = serializers.IntegerField(
        read_only=True, help_text="Weight of the reporting-discipline part (departments)."
    )
    overdue_task_penalty = Money(help_text="Points off the discipline part per overdue task.")
    rate_cap = Money(help_text="A completion rate counts at most this much.")
    red_list_size = serializers.IntegerField(read_only=True)
    red_list_min_score = Money()
    black_list_size = serializers.IntegerField(read_only=True)
    black_list_max_score = Money()


class RankingRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        source="unit.id",
        read_only=True,
        help_text="The county's or city's division id, or the department's id (a city "
        "whose division is not recorded: its code as a number).",
    )
    name = serializers.CharField(source="unit.name", read_only=True)
    code = serializers.CharField(
        source="unit.code", read_only=True, help_text="GB/T 2260 code; empty for a department."
    )
    year_to_date = MeasureFigures(read_only=True, help_text="From 1 January to the period's end.")
    in_period = MeasureFigures(read_only=True, help_text="From the period's start to its end.")
    target = MeasureTargets(read_only=True)
    rate = MeasureRates(read_only=True)
    on_time_rate = Rate(
        allow_null=True,
        help_text="Share of progress reports owed at the period's cut-offs that came in "
        "time (departments; null for counties or when nothing was owed).",
    )
    overdue_tasks = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Key tasks overdue at the period's end (departments; null for counties).",
    )
    score = Money(help_text="0 to 100 (more when targets are overshot), 2 decimals.")
    rank = serializers.IntegerField(read_only=True, help_text="1 is best; ties share a rank.")
    previous_rank = serializers.IntegerField(read_only=True, allow_null=True)
    rank_change = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="previous_rank - rank: positive moved up."
    )
    list = ListField(source="listed", read_only=True, help_text="Red list, black list or none.")


class RankingAnswerSerializer(serializers.Serializer):
    period = RankingPeriodSerializer(read_only=True)
    unit = serializers.CharField(read_only=True, help_text="county, department or city.")
    weights = RankingWeightsSerializer(read_only=True)
    results = RankingRowSerializer(source="rows", many=True, read_only=True)
