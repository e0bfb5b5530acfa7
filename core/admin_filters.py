"""Generic admin list filters, and the tenant rule on filters by a related record."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class YesNoFilter(admin.SimpleListFilter):
    """A filter with two answers; subclasses implement ``filter_yes``, and "no" is every
    other row (as a subquery on ids, which the database plans as an anti-join)."""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return self.filter_yes(queryset, today)
        if self.value() == "no":
            return self.filter_no(queryset, today)
        return queryset

    def filter_no(self, queryset, today):
        return queryset.exclude(pk__in=self.filter_yes(queryset, today).values("pk"))


class VisibleRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a related record that lists only the records the user reads: Django's
    own lists every row of the related model (another city's departments, work points)."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model._default_manager.all()
        ordering = self.field_admin_ordering(field, request, model_admin)
        if not hasattr(related, "visible_to"):
            return field.get_choices(include_blank=False, ordering=ordering)
        readable = related.visible_to(request.user).values("pk")
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": readable}, ordering=ordering
        )


def visible_related_filters(model, filters):
    """``filters`` (a ModelAdmin's ``list_filter``) with each filter by a related record
    made a ``VisibleRelatedFilter``; ``RelatedOnlyFieldListFilter`` (which lists what the
    scoped list holds), custom and plain-field filters are kept as they are."""
    return [visible_related_filter(model, item) for item in filters]


def visible_related_filter(model, item):
    if isinstance(item, str):
        path, filter_class = item, None
    elif isinstance(item, (list, tuple)) and isinstance(item[0], str):
        path, filter_class = item
    else:
        return item  # a SimpleListFilter: its own lookups decide
    if filter_class is not None and filter_class is not admin.RelatedFieldListFilter:
        return item
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, AttributeError):
        return item
    if not getattr(field, "is_relation", False) or getattr(field, "related_model", None) is None:
        return item
    return (path, VisibleRelatedFilter)
