"""STUB (replaced by the bulletins work): /api/v1/bulletins/."""

from rest_framework import serializers, viewsets

from .models import Bulletin


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ["id", "kind"]


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Bulletin.objects.all()
    serializer_class = BulletinSerializer
