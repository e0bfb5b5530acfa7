"""Serializer fields shared by every app's API."""

from rest_framework import serializers


class LabelField(serializers.CharField):
    """The human label of a choice field, in the request's language."""

    def __init__(self, source, **kwargs):
        super().__init__(source=f"get_{source}_display", read_only=True, **kwargs)


class RelatedName(serializers.CharField):
    """The name of a linked object (``"park.name"``), or null when there is no link.

    Unlike a CharField with a default, it is never left out of a partial update's answer.
    """

    def __init__(self, source, **kwargs):
        super().__init__(source=source, read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, instance):
        for attribute in self.source_attrs:
            if instance is None:
                return None
            instance = getattr(instance, attribute)
        return instance
