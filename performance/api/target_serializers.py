"""The annual targets over the API: one row per unit and year, money in 万元."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.rest.fields import YEAR, OneLineFieldsMixin, RelatedName
from regions.choices import COUNTY_LEVELS, DivisionLevel
from regions.models import Division

from ..counting import Unit
from ..models import Target

BLANK = "Blank (null): no target for this measure; the unit is not scored on it."


class TargetSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    unit = serializers.SerializerMethodField(help_text="county or department: whose target it is")
    division = serializers.PrimaryKeyRelatedField(
        # A province's targets are its cities' (performance.services.division_error).
        queryset=Division.objects.filter(level__in=[*COUNTY_LEVELS, DivisionLevel.PREFECTURE_CITY]),
        allow_null=True,
        required=False,
        help_text="The county-level division (id) whose target it is (a province's: a "
        "city's); or give a department.",
    )
    division_name = RelatedName("division.name")
    division_code = RelatedName("division.code", help_text="GB/T 2260 code ('' for 天衢新区)")
    department_name = RelatedName("department.name")

    class Meta:
        model = Target
        fields = [
            "id",
            "year",
            "unit",
            "division",
            "division_name",
            "division_code",
            "department",
            "department_name",
            "signed_projects",
            "started_projects",
            "producing_projects",
            "funds_in_place",
            "jjj_projects",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        one_line_fields = ["note"]
        # DRF would turn the model's conditional unique constraints into validators that
        # make both division and department required; the service checks them instead,
        # naming the field (performance.services.target_errors).
        validators = []
        extra_kwargs = {
            "year": YEAR,
            "department": {"required": False, "allow_null": True},
            "signed_projects": {"help_text": BLANK},
            "started_projects": {"help_text": BLANK},
            "producing_projects": {"help_text": BLANK},
            "funds_in_place": {"help_text": f"In 万元 (10,000 yuan). {BLANK}"},
            "jjj_projects": {
                "help_text": "Projects from Beijing, Tianjin or Hebei of at least 1 亿元 that "
                f"start construction. {BLANK}"
            },
        }

    @extend_schema_field(serializers.ChoiceField(choices=Unit.choices))
    def get_unit(self, target):
        return Unit.COUNTY.value if target.division_id else Unit.DEPARTMENT.value
