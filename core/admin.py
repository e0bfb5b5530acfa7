"""Admin bases that put the department rule and the record-keeping rules on every page.

Every ModelAdmin of ours derives from one of these, so that a page a library adds
(simple-history's, import-export's, an action) asks the same queryset rule as ours:
``changeable_by`` decides change and delete, and history is a record, never a way to write.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .ownership import (
    can_change,
    ensure_still_changeable,
    is_supervisor,
    owner_path,
    unchangeable_count,
)


class OwnedAdminMixin:
    """Change and delete only what ``Model.objects.changeable_by(user)`` holds.

    Reference data (a model without ``owner_department_path``) is thereby changed by
    supervisors alone, whatever model permissions a group was given.
    """

    def get_queryset(self, request):
        # The tenant rule: every page, action, export and autocomplete starts here.
        queryset = super().get_queryset(request)
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        return allowed and (owner_path(self.model) is not None or is_supervisor(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None and owner_path(self.model) is None:
            return allowed and is_supervisor(request.user)
        return allowed and (obj is None or can_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The admin saves inside a transaction: refusing here rolls the save back.
        ensure_still_changeable(obj, request.user)

    def delete_queryset(self, request, queryset):
        if unchangeable_count(request.user, queryset):
            raise PermissionDenied(_("Some of the selected records belong to another department."))
        super().delete_queryset(request, queryset)


class RecordOnlyAdminMixin:
    """Rows that are records (reports, decisions, built files): listed and read in the
    admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OwnedAdmin(OwnedAdminMixin, admin.ModelAdmin):
    pass


class RecordHistoryAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    """An owned model with an audit history that can be read but never reverted."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's page saves a past version on POST, checking only view
        # permission: history is a record, so nobody may write through it.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(_("History is a record; it cannot be reverted."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class VersionedForm(forms.ModelForm):
    """A change form that refuses to save over a newer version of its record.

    The version the official opened travels in a hidden field; if someone saved the
    record meanwhile, the form says so, lists the current values that differ from what
    was submitted, and takes the new version so that a second save is a conscious one.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        submitted = cleaned.get("seen_version")
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if stored is None or submitted is None or submitted == stored.version:
            return cleaned
        differing = [
            f"{self.fields[name].label}：{display_value(stored, name)}"
            for name in self.changed_data
            if name in self.fields and name != "seen_version" and hasattr(stored, name)
        ]
        message = _(
            "Someone else saved this record after you opened it. Check the current "
            "values and save again if your change still stands."
        )
        if differing:
            message += " " + _("Current values that differ from yours: %(values)s.") % {
                "values": "；".join(differing)
            }
        data = self.data.copy()
        data[self.add_prefix("seen_version")] = stored.version
        self.data = data
        raise forms.ValidationError(message, code="stale")

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is not None and self.cleaned_data.get("seen_version") is not None:
            self.instance.version = self.cleaned_data["seen_version"]


def display_value(obj, name):
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return "、".join(str(related) for related in getattr(obj, name).all()) or "-"
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    return "-" if value in (None, "") else str(value)
