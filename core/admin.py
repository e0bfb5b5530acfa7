"""Admin bases that put the department rule, the tenant rule and the record-keeping rules
on every page.

Every ModelAdmin of ours derives from one of these, so that a page a library adds
(simple-history's, import-export's, an action, an autocomplete) asks the same queryset rule
as ours: ``visible_to`` decides what is listed and opened, ``choosable_by`` what a form
offers, ``changeable_by`` decides change and delete, and history is a record, never a way
to write.
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_filters import visible_related_filters
from .ownership import (
    can_change,
    ensure_still_changeable,
    follow,
    in_own_tenant,
    is_supervisor,
    owner_path,
    single_tenant,
    unchangeable_count,
)
from .tenancy import reach_of, tenant_path


def restrict_choices(model_admin, request, formfield):
    """A form's related choices: what the user may link a record to (their own city's rows
    and shared reference data, ``choosable_by``); a model outside the tenant rule (a user)
    offers what its own admin lists to this user. Stricter choices already set are kept."""
    queryset = getattr(formfield, "queryset", None) if formfield is not None else None
    if queryset is None:
        return formfield
    if hasattr(queryset, "choosable_by"):
        formfield.queryset = queryset.choosable_by(request.user)
        return formfield
    remote = model_admin.admin_site._registry.get(queryset.model)
    if remote is not None and getattr(remote, "lists_only_reachable_rows", False):
        formfield.queryset = queryset.filter(pk__in=remote.get_queryset(request).values("pk"))
    return formfield


def acts_on(user, obj):
    """Whether ``user`` may act on ``obj`` at all: it belongs to their own city (a province
    user reads its cities' key tasks, but never takes a step on one); superusers act on
    every city's, and shared reference data is everyone's."""
    reach = reach_of(user)
    return reach.everything or tenant_path(type(obj)) is None or in_own_tenant(obj, reach)


def is_autocomplete(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


def many_cities(request):
    """More than one city tenant (asked once per request)."""
    if not hasattr(request, "_many_cities"):
        request._many_cities = not single_tenant(request.user)
    return request._many_cities


def several_tenants(request):
    """More than one tenant, cities or provinces (asked once per request)."""
    if not hasattr(request, "_several_tenants"):
        request._several_tenants = apps.get_model("regions", "Tenant").objects.count() > 1
    return request._several_tenants


def tenant_choice_form(form_class, model):
    """``form_class`` with a choice of the record's city, for superusers: a record's city
    is never a form field (it is its maker's), but the deployment's operators set up a
    new city's office and departments, and belong to no city themselves."""
    tenant_model = model._meta.get_field("tenant").related_model

    class TenantChoiceForm(form_class):
        tenant_choice = forms.ModelChoiceField(
            label=tenant_model._meta.verbose_name, queryset=tenant_model.objects.all()
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["tenant_choice"].initial = self.instance.tenant_id

        def clean(self):
            cleaned = super().clean()
            if cleaned.get("tenant_choice") is not None:
                # Before the model's own validation, which checks links by the city.
                self.instance.tenant = cleaned["tenant_choice"]
            return cleaned

    TenantChoiceForm.__name__ = form_class.__name__
    return TenantChoiceForm


class VisibleRowsMixin:
    """Lists only the rows the user reads, and offers in forms only what they may choose:
    the tenant rule of every admin and inline."""

    def get_queryset(self, request):
        # The tenant rule: every page, action, export and autocomplete starts here.
        queryset = super().get_queryset(request)
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return restrict_choices(self, request, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return restrict_choices(self, request, formfield)


class OwnedInlineMixin(VisibleRowsMixin):
    """An inline on an object's page lists only the related rows the user reads (a shared
    project's page never lists another city's problems or files to a province user), and
    its forms offer only what the user may choose."""


def edits_reference_data(request):
    """Shared reference data (divisions, parks, chains) is changed by a supervisor while
    the tracker has one city, by superusers only once it has several (every city reads it).
    Asked once per request."""
    if request.user.is_superuser:
        return True
    if not is_supervisor(request.user):
        return False
    # The same per-request answer as tracker.admin_accounts.operators_only's.
    if not hasattr(request, "_several_cities"):
        request._several_cities = not single_tenant(request.user)
    return not request._several_cities


class OwnedAdminMixin(VisibleRowsMixin):
    """Change and delete only what ``Model.objects.changeable_by(user)`` holds; list,
    open, export and autocomplete only what ``visible_to(user)`` holds.

    Reference data (a model without ``owner_department_path``) is thereby changed by
    supervisors alone, whatever model permissions a group was given.
    """

    # A superuser of a deployment with several cities sees the city of each row (and a
    # filter by it) on the main lists; one city never shows it.
    city_column = False
    # ... and chooses the city of a new record on its add form (a new city's office and
    # departments). Never on a change form: a record's links (a department's projects, an
    # official's department) are its city's, so it does not move between cities.
    tenant_choice = False

    def get_search_results(self, request, queryset, search_term):
        # An autocomplete box fills a form's field: it offers what the form accepts (a
        # province user reads its cities' departments, but links only its own).
        if is_autocomplete(request) and hasattr(queryset, "choosable_by"):
            queryset = queryset.choosable_by(request.user)
        return super().get_search_results(request, queryset, search_term)

    def offers_tenant_choice(self, request, obj=None):
        return (
            self.tenant_choice
            and obj is None
            and request.user.is_superuser
            and several_tenants(request)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.offers_tenant_choice(request, obj):
            kwargs["form"] = tenant_choice_form(kwargs.get("form", self.form), self.model)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        shown = "tenant_choice" in flatten_fieldsets(fieldsets)
        if self.offers_tenant_choice(request, obj) and not shown:
            return [(None, {"fields": ["tenant_choice"]}), *fieldsets]
        return fieldsets

    def shows_city(self, request):
        return self.city_column and request.user.is_superuser and many_cities(request)

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return [*columns, "tenant"] if self.shows_city(request) else columns

    def get_list_filter(self, request):
        # Django's filter by a related record lists every row of that model (another
        # city's departments, work points...): ours list only the rows the user reads.
        filters = visible_related_filters(self.model, super().get_list_filter(request))
        return [*filters, "tenant"] if self.shows_city(request) else filters

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)
        if self.shows_city(request) and isinstance(related, (list, tuple)):
            return [*related, "tenant"]
        return related

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        if tenant_path(self.model) is None and owner_path(self.model) is None:
            return allowed and edits_reference_data(request)
        return allowed and (owner_path(self.model) is not None or is_supervisor(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None and tenant_path(self.model) is None and owner_path(self.model) is None:
            return allowed and edits_reference_data(request)
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
    """An owned model with an audit history that can be read but never reverted.

    simple-history 3.13.0 shows the history of an object outside ``get_queryset`` (it
    falls back to the latest historical row) and loads a past version without asking
    ``get_queryset`` at all: both pages open here only for an object the user reads, or,
    once deleted, one whose last version belonged to the user's own city.
    """

    def history_view(self, request, object_id, extra_context=None):
        self.ensure_history_readable(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's page saves a past version on POST, checking only view
        # permission: history is a record, so nobody may write through it.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(_("History is a record; it cannot be reverted."))
        self.ensure_history_readable(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def ensure_history_readable(self, request, object_id):
        """Http404 unless ``request.user`` may read the history of ``object_id``."""
        if self.get_object(request, unquote(object_id)) is not None:
            return
        # Not among the rows the user reads: another city's (404, as if there were none),
        # or deleted (readable by its own city, whose record it was).
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        pk_name = self.opts.pk.attname
        try:
            if self.model._base_manager.filter(pk=unquote(object_id)).exists():
                raise Http404
            latest = (
                history.filter(**{pk_name: unquote(object_id)})
                .order_by("-history_date", "-history_id")
                .first()
            )
        except (ValueError, ValidationError):
            raise Http404 from None
        if latest is None or not self.deleted_history_readable(request.user, latest):
            raise Http404

    def deleted_history_readable(self, user, latest):
        reach = reach_of(user)
        path = tenant_path(self.model)
        if reach.everything:
            return True
        if path is None:  # shared reference data: everyone signed in reads it
            return user.is_authenticated and user.is_active
        try:
            tenant_id = follow(latest, path)
        except ObjectDoesNotExist:  # its parent is gone too: nothing says whose it was
            return False
        return tenant_id in reach.own


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
