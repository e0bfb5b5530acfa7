from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.deadlines import light_for
from core.evidence_rest import EvidenceUploadsField
from core.rest.fields import (
    TIMESTAMPS,
    YEAR,
    LabelField,
    OneLineFieldsMixin,
    RecordedAt,
    RelatedName,
)

from ..choices import Stage
from ..courting import another_city_in_contact
from ..ledger import LEDGER_FIELDS
from ..models import MONEY, IndustryChain, Project, ProjectUpdate

WAN = "In 万元 (10,000 yuan)."
CAPITAL_INCREASE = (
    "增资: added to the project's total investment by this report; the same project, "
    "never a new one."
)


class IndustryChainSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    group_label = LabelField("group")

    class Meta:
        model = IndustryChain
        fields = ["id", "name", "name_en", "group", "group_label", *TIMESTAMPS]
        one_line_fields = ["name", "name_en"]


class ProjectUpdateSerializer(serializers.ModelSerializer):
    stage_label = LabelField("stage")
    author_name = RelatedName("author.username")
    updated_at = RecordedAt()

    class Meta:
        model = ProjectUpdate
        fields = [
            "id",
            "reported_on",
            "stage",
            "stage_label",
            "funds_in_place",
            "is_correction",
            "capital_increase",
            "note",
            "author",
            "author_name",
            *TIMESTAMPS,
        ]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {
            "funds_in_place": {"help_text": f"{WAN} Cumulative."},
            "capital_increase": {"help_text": f"{WAN} {CAPITAL_INCREASE}"},
        }


# Read-only fields shown right after the ledger field they explain (a related record's
# name, a choice's label, the province an origin lies in), so that a dashboard needs no
# second request. Declared on ProjectSerializer.
COMPANIONS = {
    "origin": ("origin_name", "origin_province", "origin_province_name"),
    "host_division": ("host_division_name",),
    "park": ("park_name",),
    "industry_chain": ("industry_chain_name",),
    "base_function": ("base_function_label",),
    "responsible_department": ("responsible_department_name",),
    "stage": ("stage_label",),
}


# A project: ``id``, the ledger's fields (projects.ledger) in the ledger's order, each
# followed by its companions, then what is derived (the next milestone) and the reports.
# (A comment, not a docstring: the docstring would become the schema's description.)
class ProjectSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    origin_name = RelatedName("origin.name")
    origin_province = serializers.SerializerMethodField()
    origin_province_name = serializers.SerializerMethodField()
    host_division_name = serializers.CharField(source="host_division.name", read_only=True)
    park_name = RelatedName("park.name")
    industry_chain_name = RelatedName("industry_chain.name")
    base_function_label = LabelField("base_function")
    responsible_department_name = serializers.CharField(
        source="responsible_department.short_name", read_only=True
    )
    stage_label = LabelField("stage")
    next_milestone = serializers.SerializerMethodField()
    open_blockers = serializers.SerializerMethodField(
        help_text="Unsolved problems (困难问题) on the project."
    )
    another_city_in_contact = serializers.SerializerMethodField(
        help_text="An open lead or negotiation whose investor another city of the province "
        "(or of a region the project's chain shares) is also in contact with; never which "
        "one. Only on a project's own answer (and a write's), not in lists."
    )
    updates = ProjectUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            *(name for field in LEDGER_FIELDS for name in (field, *COMPANIONS.get(field, ()))),
            "next_milestone",
            "open_blockers",
            "another_city_in_contact",
            "updates",
            *TIMESTAMPS,
        ]
        one_line_fields = ["code", "name", "investor"]
        extra_kwargs = {
            "total_investment": {"help_text": WAN},
            "funds_in_place": {"help_text": f"{WAN} At most the total investment."},
            "year": YEAR,
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_origin_province(self, project):
        return project.origin.province.pk if project.origin else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_origin_province_name(self, project):
        return project.origin.province.name if project.origin else None

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "label": {"type": "string"},
                "date": {"type": "string", "format": "date"},
                "light": {"type": "string", "enum": ["red", "yellow", "green"]},
            },
        }
    )
    def get_next_milestone(self, project):
        milestone = project.next_milestone()
        if milestone is None:
            return None
        label, date = milestone
        return {"label": str(label), "date": date.isoformat(), "light": str(light_for(date))}

    @extend_schema_field(serializers.IntegerField())
    def get_open_blockers(self, project):
        # Annotated by the viewset's queryset (one subquery, no query per row); a project
        # just written is counted afresh.
        count = getattr(project, "open_blockers", None)
        if count is None:
            user = self.context["request"].user
            return project.blockers.unsolved().visible_to(user).count()
        return count

    @extend_schema_field(serializers.BooleanField())
    def get_another_city_in_contact(self, project):
        # projects.courting: a yes or no, computed for the project's own city only.
        return another_city_in_contact(project)


class ProjectStatusSerializer(serializers.Serializer):
    """A status report, recorded through ``record_project_update``."""

    reported_on = serializers.DateField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    funds_in_place = serializers.DecimalField(
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
        help_text=f"{WAN} Cumulative: a lower figure than the project's is refused unless "
        "is_correction is true.",
    )
    is_correction = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Corrects an earlier figure: only a correction may lower the funds in "
        "place, and it needs a note saying why.",
    )
    capital_increase = serializers.DecimalField(
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
        required=False,
        default=Decimal("0"),
        help_text=f"{WAN} {CAPITAL_INCREASE}",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = EvidenceUploadsField(required=False, help_text="Evidence files, checked on content.")


# A list row carries neither the reports nor the courting hint (a query per row).
NOT_IN_LISTS = {"updates", "another_city_in_contact", *TIMESTAMPS}


class ProjectListSerializer(ProjectSerializer):
    """A project in a list: its reports are summed up by the date of the last one.

    The full history is on the project's own page and at ``/projects/{id}/updates/``;
    embedding it in every row would make a page's size grow with each report recorded.
    """

    last_reported_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="Date of the latest status report."
    )

    class Meta(ProjectSerializer.Meta):
        fields = [
            *(name for name in ProjectSerializer.Meta.fields if name not in NOT_IN_LISTS),
            "last_reported_on",
            *TIMESTAMPS,
        ]
