"""The bulletins in the admin: the list with download links (read-only rows, for everyone
signed in, of their own office and, for a province, of its cities) and the page that builds
one (supervisors only, their own office's: a city's, or a province's one level up)."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import RecordOnlyAdminMixin
from core.ownership import is_supervisor, official_of
from core.tenancy import reach_of
from regions.models import Tenant
from tracker.choices import OfficialReach

from .models import Bulletin, BulletinKind
from .services import build_bulletin


class BuildForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=BulletinKind.choices)
    date = forms.DateField(
        label=gettext_lazy("a day of the period"),
        widget=AdminDateWidget,
        help_text=gettext_lazy("The week or month containing this day; it must have ended."),
    )


def may_build(user):
    """A supervisor of a city or a province (a regional working group has no bulletins)."""
    official = official_of(user)
    regional = official is not None and official.reach == OfficialReach.REGION
    return is_supervisor(user) and not regional


def last_month_end():
    return timezone.localdate().replace(day=1) - datetime.timedelta(days=1)


@admin.register(Bulletin)
class BulletinAdmin(RecordOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["period", "number", "title", "built_at", "built_by", "downloads"]
    list_filter = ["kind"]
    search_fields = ["number", "title"]
    date_hierarchy = "period_start"
    list_select_related = ["built_by", "tenant"]
    exclude = ["document", "annex"]
    readonly_fields = ["downloads"]
    change_list_template = "admin/bulletins/bulletin/change_list.html"

    # The bulletins are the city's: everyone signed in to the admin reads them; nobody
    # edits or deletes one (a rebuild replaces its files, through the build page).
    def get_queryset(self, request):
        # The tenant rule: a city's own, and a province's cities' (core.tenancy).
        return super().get_queryset(request).visible_to(request.user)

    def get_list_display(self, request):
        # Whose bulletin it is, once a user reads more than one office's.
        reach = reach_of(request.user)
        if reach.cities or (reach.everything and Tenant.objects.count() > 1):
            return ["tenant", *self.list_display]
        return self.list_display

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    @admin.display(description=gettext_lazy("period"), ordering="period_start")
    def period(self, bulletin):
        return f"{bulletin.get_kind_display()} {bulletin.period_start} – {bulletin.period_end}"

    @admin.display(description=gettext_lazy("files"))
    def downloads(self, bulletin):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("bulletin_file", args=[bulletin.pk, "document"]),
            _("Word document"),
            reverse("bulletin_file", args=[bulletin.pk, "annex"]),
            _("Excel annex"),
        )

    def get_urls(self):
        return [
            path(
                "build/",
                self.admin_site.admin_view(self.build_view),
                name="bulletins_bulletin_build",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_build": may_build(request.user)}
        return super().changelist_view(request, extra_context)

    def build_view(self, request):
        """Build (or rebuild) a bulletin of the user's own office for a past week or month."""
        if not may_build(request.user):
            raise PermissionDenied
        initial = {"kind": BulletinKind.MONTH, "date": last_month_end()}
        form = BuildForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                bulletin = build_bulletin(
                    form.cleaned_data["kind"], form.cleaned_data["date"], by=request.user
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    _("Built %(number)s: %(title)s")
                    % {"number": bulletin.number, "title": bulletin.title},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:bulletins_bulletin_changelist"))
        return TemplateResponse(
            request,
            "admin/bulletins/bulletin/build.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Build a bulletin"),
                "opts": self.opts,
                "form": form,
            },
        )
