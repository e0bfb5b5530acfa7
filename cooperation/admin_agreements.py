"""An agreement's page: its cooperation areas, and under each area the items filed there,
so that "what came of the Chaoyang agreement" is one page; and, on a project's page, the
cooperation items it came from (the link seen from the project's side)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.admin import OwnedInlineMixin
from core.ownership import can_change

from . import services
from .choices import CooperationKind
from .models import AgreementArea, CooperationItem


def item_link(item):
    url = reverse("admin:cooperation_cooperationitem_change", args=[item.pk])
    return format_html('<a href="{}">{}</a>', url, item)


def items_list(items):
    """Linked items, one a line, each with its state."""
    rows = ((item_link(item), item.get_state_display()) for item in items)
    return format_html_join(mark_safe("<br>"), "{}（{}）", rows) or "-"


class AreaFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            area = form.instance
            if area.pk is not None and area.items.exists():
                raise ValidationError(
                    _("Items are filed under the area “%(area)s”; move them first.")
                    % {"area": area}
                )


class AgreementAreaInline(OwnedInlineMixin, admin.TabularInline):
    """The areas of an agreement, changed by the agreement's department through the
    service; each row lists the items filed under the area."""

    model = AgreementArea
    formset = AreaFormSet
    fk_name = "agreement"
    extra = 0
    fields = ["number", "title", "items_under_area"]
    readonly_fields = ["items_under_area"]
    verbose_name_plural = _("cooperation areas and their items")

    def get_queryset(self, request):
        items = CooperationItem.objects.only("pk", "code", "title", "state", "area_id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("items", queryset=items.order_by("code")))
        )

    @admin.display(description=_("items under the area"))
    def items_under_area(self, area):
        return items_list(area.items.all()) if area.pk else "-"

    def writable(self, request, obj):
        return obj is None or can_change(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.writable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.writable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.writable(request, obj)


class ItemsUnderAgreementInline(OwnedInlineMixin, admin.TabularInline):
    """Every item filed under the agreement, with its area (read-only: each item is changed
    on its own page, by its own department)."""

    model = CooperationItem
    fk_name = "agreement"
    extra = 0
    can_delete = False
    fields = ["item", "kind", "area", "department", "state", "achieved_on"]
    readonly_fields = fields
    verbose_name = _("item under the agreement")
    verbose_name_plural = _("items under the agreement")
    ordering = ["area__number", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("area", "department")

    @admin.display(description=_("cooperation item"))
    def item(self, item):
        return item_link(item)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AreasAdmin:
    """Mixin for the item admin: areas on an agreement's page, saved through the service."""

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if obj is not None and obj.kind == CooperationKind.AGREEMENT:
            inlines = [AgreementAreaInline, ItemsUnderAgreementInline, *inlines]
        return inlines

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgreementArea:
            return super().save_formset(request, form, formset, change)
        # The inline's rows go through the service, which checks the department rule; the
        # admin saves the page in one transaction, so a refusal undoes all of it.
        areas = formset.save(commit=False)
        for area in formset.deleted_objects:
            services.delete_area(area, by=request.user)
        for area in areas:
            services.save_area(area, by=request.user)
        return None


class LandedFromInline(OwnedInlineMixin, admin.TabularInline):
    """On a project's page: the cooperation items it came from (read-only; only those the
    user reads: a province user reads a shared project, not its city's cooperation items).
    Added to the project admin by this app, so that projects never imports cooperation."""

    model = CooperationItem
    fk_name = "project"
    extra = 0
    can_delete = False
    fields = ["item", "kind", "department", "counterparts_names", "state"]
    readonly_fields = fields
    verbose_name = _("cooperation item it came from")
    verbose_name_plural = _("cooperation items it came from")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("department")
            .prefetch_related("counterparts")
        )

    @admin.display(description=_("cooperation item"))
    def item(self, item):
        return item_link(item)

    @admin.display(description=_("counterparts"))
    def counterparts_names(self, item):
        return "、".join(c.name for c in item.counterparts.all()) or "-"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
