"""Serializer fields shared by every app's API."""

from rest_framework import serializers


class LabelField(serializers.CharField):
    """The human label of a choice field, in the request's language.

    Looks the label up in the model field's choices instead of calling
    ``get_FOO_display``: DRF inspects every callable it reads, which costs more than the
    rest of a row when a page carries hundreds of them.
    """

    def __init__(self, source, **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        model_field = parent.Meta.model._meta.get_field(self.source)
        self.labels = dict(model_field.flatchoices)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


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
