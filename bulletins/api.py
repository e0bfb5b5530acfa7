"""/api/v1/bulletins/: the bulletins built, read-only, with their download links.

Building is the admin's and the command's (and the monthly task's): a document for the
city leadership is made on purpose by a supervisor, not by a script holding a token.
"""

from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.rest.fields import TIMESTAMPS
from core.rest.viewsets import ReadOnlyViewSet

from .models import Bulletin


class BulletinSerializer(serializers.ModelSerializer):
    document_url = serializers.SerializerMethodField(
        help_text=(
            "The Word document (.docx); needs a signed-in session (the admin's login), not a token."
        )
    )
    annex_url = serializers.SerializerMethodField(
        help_text=(
            "The Excel annex with the full tables (.xlsx); needs a signed-in session "
            "(the admin's login), not a token."
        )
    )

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "kind",
            "period_start",
            "period_end",
            "number",
            "title",
            "built_at",
            "document_url",
            "document_sha256",
            "annex_url",
            "annex_sha256",
            *TIMESTAMPS,
        ]

    def link(self, bulletin, part):
        path = reverse("bulletin_file", args=[bulletin.pk, part])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_document_url(self, bulletin):
        return self.link(bulletin, "document")

    @extend_schema_field(OpenApiTypes.URI)
    def get_annex_url(self, bulletin):
        return self.link(bulletin, "annex")


class BulletinFilter(filters.FilterSet):
    class Meta:
        model = Bulletin
        fields = ["kind"]


class BulletinViewSet(ReadOnlyViewSet):
    """The weekly and monthly bulletins (通报), newest first; each links its Word document
    and its Excel annex. Built in the admin or with `manage.py build_bulletin`."""

    queryset = Bulletin.objects.all()
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilter
    search_fields = ["number", "title"]
    ordering_fields = ["period_start", "built_at"]
