from rest_framework import serializers

from core.rest.fields import TIMESTAMPS, LabelField, OneLineFieldsMixin, RelatedName

from ..models import CounterpartPairing, Division, Park


class DivisionSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    level_label = LabelField("level")
    parent_name = RelatedName("parent.name")

    class Meta:
        model = Division
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "level",
            "level_label",
            "parent",
            "parent_name",
            *TIMESTAMPS,
        ]
        one_line_fields = ["name", "name_en"]


class ParkSerializer(OneLineFieldsMixin, serializers.ModelSerializer):
    kind_label = LabelField("kind")
    division_name = serializers.CharField(source="division.name", read_only=True)
    partner_division_name = RelatedName("partner_division.name")
    host_park_name = RelatedName("host_park.name")

    class Meta:
        model = Park
        fields = [
            "id",
            "name",
            "name_en",
            "kind",
            "kind_label",
            "division",
            "division_name",
            "partner_division",
            "partner_division_name",
            "host_park",
            "host_park_name",
            "established_on",
            *TIMESTAMPS,
        ]
        one_line_fields = ["name", "name_en"]


class CounterpartPairingSerializer(serializers.ModelSerializer):
    home_name = serializers.CharField(source="home.name", read_only=True)
    counterpart_name = serializers.CharField(source="counterpart.name", read_only=True)

    class Meta:
        model = CounterpartPairing
        fields = [
            "id",
            "home",
            "home_name",
            "counterpart",
            "counterpart_name",
            "established_on",
            "areas",
            "notes",
            *TIMESTAMPS,
        ]
