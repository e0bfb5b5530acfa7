"""STUB (replaced by the targets work): /api/v1/targets/."""

from rest_framework import serializers, viewsets

from ..models import Target


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "year"]


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Target.objects.all()
    serializer_class = TargetSerializer
