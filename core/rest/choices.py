"""What a record may link to over the API: the tenant rule on related fields.

A serializer's related fields (a project's department, a problem's coordinating
department, an item's counterparts) look their ids up in a queryset. Left as DRF builds
it (``Model._default_manager``), an id of another city's department would be accepted and
its name shown back. ``restrict_choices`` narrows every writable related field whose
queryset has ``choosable_by`` (core.ownership) to the caller's choices: shared reference
data and their own city's rows. Another city's id is then a field error (400), exactly as
an id no row has; the model's ``tenant_link_errors`` refuses the same on ``full_clean``.

``ReadOnlyViewSet.get_serializer`` applies it to every serializer a viewset makes; an
action that makes its own input serializer calls ``restrict_choices`` itself.
"""

from rest_framework import serializers
from rest_framework.relations import ManyRelatedField


def restricted(queryset, user):
    if queryset is not None and hasattr(queryset, "choosable_by"):
        return queryset.choosable_by(user)
    return queryset


def restrict_choices(serializer, user):
    """Narrow ``serializer``'s writable related fields (nested ones too) to ``user``'s
    choices; returns the serializer."""
    if isinstance(serializer, serializers.ListSerializer):
        restrict_choices(serializer.child, user)
        return serializer
    for field in serializer.fields.values():
        if field.read_only:
            continue
        if isinstance(field, serializers.BaseSerializer):
            restrict_choices(field, user)
            continue
        relation = field.child_relation if isinstance(field, ManyRelatedField) else field
        if isinstance(relation, serializers.RelatedField):
            relation.queryset = restricted(relation.queryset, user)
    return serializer
