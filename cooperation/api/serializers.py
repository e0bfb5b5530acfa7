"""How the cooperation ledger is shown and written over the API. Money is in 万元."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.evidence_rest import EvidenceUploadsField
from core.rest.fields import YEAR, LabelField, OneLineFieldsMixin, RecordedAt, RelatedName

from ..choices import OPEN_STATES, CooperationState
from ..models import AgreementArea, CooperationItem, CooperationUpdate, Counterpart

WAN = "In 万元 (10,000 yuan)."


def province_of(division):
    """The province a division lies in, from the parents the queryset joined (no query)."""
    return division.province if division is not None else None


class CounterpartSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    kind_label = LabelField("kind")
    division_name = RelatedName("division.name")
    province = serializers.SerializerMethodField(
        help_text="The province-level division the counterpart is in (北京市, 天津市, 河北省)."
    )
    province_name = serializers.SerializerMethodField()

    class Meta:
        model = Counterpart
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "division",
            "division_name",
            "province",
            "province_name",
            "note",
            "created_at",
            "updated_at",
        ]
        one_line_fields = ["name"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_province(self, counterpart):
        province = province_of(counterpart.division)
        return province.pk if province else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_province_name(self, counterpart):
        province = province_of(counterpart.division)
        return province.name if province else None


class CounterpartBriefSerializer(CounterpartSerializer):
    """A counterpart named in an item: who, what kind, where."""

    class Meta(CounterpartSerializer.Meta):
        fields = ["id", "name", "kind", "kind_label", "province", "province_name"]


class AgreementAreaSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    agreement_code = RelatedName("agreement.code")
    agreement_title = RelatedName("agreement.title")
    department = serializers.IntegerField(
        source="agreement.department_id", read_only=True, help_text="The agreement's department."
    )
    department_name = RelatedName("agreement.department.short_name")
    items = serializers.IntegerField(
        source="item_count", read_only=True, help_text="Cooperation items under this area."
    )

    class Meta:
        model = AgreementArea
        fields = [
            "id",
            "agreement",
            "agreement_code",
            "agreement_title",
            "department",
            "department_name",
            "number",
            "title",
            "items",
            "created_at",
            "updated_at",
        ]
        one_line_fields = ["title"]
        # The pair is unique in the database; the model's constraint says so field by
        # field (full_clean in the service) instead of DRF's generic message.
        validators = []


class CooperationUpdateSerializer(serializers.ModelSerializer):
    state_label = LabelField("state")
    author_name = RelatedName("author.username")
    updated_at = RecordedAt()

    class Meta:
        model = CooperationUpdate
        fields = [
            "id",
            "reported_on",
            "state",
            "state_label",
            "note",
            "author",
            "author_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["author", "created_at"]


class CooperationStatusSerializer(serializers.Serializer):
    """A progress report, recorded through ``record_cooperation_update``."""

    reported_on = serializers.DateField()
    state = serializers.ChoiceField(
        choices=CooperationState.choices,
        help_text="Reaching achieved dates the item's achieved_on with the report's date.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = EvidenceUploadsField(required=False, help_text="Evidence files, checked on content.")


MAX_COUNTERPARTS = 50


@extend_schema_field({"type": "array", "items": {"type": "integer"}, "maxItems": MAX_COUNTERPARTS})
class CounterpartsField(serializers.ManyRelatedField):
    """Counterparts by id, at most MAX_COUNTERPARTS: each id costs a look-up, so a list of
    a million is refused before the first."""

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) > MAX_COUNTERPARTS:
            raise serializers.ValidationError(
                _("Name at most %(count)s counterparts.") % {"count": MAX_COUNTERPARTS}
            )
        return super().to_internal_value(data)


# An item of the ledger: its fields, each link followed by the names of what it links to,
# then what is derived. (A comment, not a docstring: that would become the schema's.)
class CooperationItemSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    kind_label = LabelField("kind")
    department_name = serializers.CharField(source="department.short_name", read_only=True)
    division_name = RelatedName("division.name")
    counterparts = CounterpartsField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=Counterpart.objects.all()),
        required=False,
        help_text=f"The counterparts' ids, at most {MAX_COUNTERPARTS}.",
    )
    counterpart_details = CounterpartBriefSerializer(
        source="counterparts", many=True, read_only=True
    )
    agreement_code = RelatedName("agreement.code")
    agreement_title = RelatedName("agreement.title")
    area_number = serializers.IntegerField(source="area.number", read_only=True, allow_null=True)
    area_title = RelatedName("area.title")
    state_label = LabelField("state")
    project_code = RelatedName("project.code")
    project_name = RelatedName("project.name")
    project_total_investment = serializers.DecimalField(
        source="project.total_investment",
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=f"{WAN} The linked project's total investment.",
    )
    is_overdue = serializers.SerializerMethodField(
        help_text="Planned or under way, and past its deadline."
    )
    last_reported_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="Date of the latest progress report."
    )

    class Meta:
        model = CooperationItem
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "kind_label",
            "year",
            "department",
            "department_name",
            "division",
            "division_name",
            "counterparts",
            "counterpart_details",
            "agreement",
            "agreement_code",
            "agreement_title",
            "area",
            "area_number",
            "area_title",
            "state",
            "state_label",
            "started_on",
            "deadline",
            "achieved_on",
            "is_overdue",
            "investment",
            "people",
            "project",
            "project_code",
            "project_name",
            "project_total_investment",
            "description",
            "last_reported_on",
            "version",
            "created_at",
            "updated_at",
        ]
        one_line_fields = ["code", "title"]
        extra_kwargs = {"year": YEAR, "investment": {"help_text": WAN}}

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, item):
        today = self.context.setdefault("today", timezone.localdate())
        return bool(item.state in OPEN_STATES and item.deadline and item.deadline < today)
