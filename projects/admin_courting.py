"""The investors courted by several cities at once, in the admin (projects.courting): the
page where a province's office (or a regional working group's) reads its cases and marks
one coordinated, with a note; and the decisions, read-only. A city's users get 403 on both:
a case names the other cities."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.admin import OwnedAdmin, RecordOnlyAdminMixin

from .courting import coordinates, courting_cases, mark_coordinated, scope_of, scopes_of
from .models import CourtingCase


class CoordinateForm(forms.Form):
    scope = forms.CharField(max_length=40, widget=forms.HiddenInput)
    key = forms.CharField(max_length=300, widget=forms.HiddenInput)
    note = forms.CharField(
        label=CourtingCase._meta.get_field("note").verbose_name,
        max_length=CourtingCase._meta.get_field("note").max_length,
        required=False,
    )


@admin.register(CourtingCase)
class CourtingCaseAdmin(RecordOnlyAdminMixin, OwnedAdmin):
    """The list is the cases page (computed from the cities' open projects); a decision's
    own page shows who coordinated it, when and why."""

    list_display = ["investor", "credit_code", "state", "decided_by", "decided_at"]
    fields = ["investor", "key", "credit_code", "state", "note", "cities_at_decision"]
    readonly_fields = [*fields, "decided_by", "decided_at"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and coordinates(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_urls(self):
        return [
            path(
                "coordinate/",
                self.admin_site.admin_view(self.coordinate_view),
                name="projects_courtingcase_coordinate",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        scopes = [(scope, courting_cases(scope)) for scope in scopes_of(request.user)]
        return TemplateResponse(
            request,
            "admin/projects/courtingcase/cases.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Investors courted by several cities"),
                "opts": self.opts,
                "scopes": scopes,
                "coordinate_url": reverse(
                    "admin:projects_courtingcase_coordinate", current_app=self.admin_site.name
                ),
            },
        )

    def coordinate_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = CoordinateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a case to mark coordinated."))
        else:
            data = form.cleaned_data
            try:
                decision = mark_coordinated(
                    scope_of(request.user, data["scope"]),
                    data["key"],
                    by=request.user,
                    note=data["note"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("“%(investor)s” is marked coordinated.") % {"investor": decision},
                )
        changelist = reverse(
            "admin:projects_courtingcase_changelist", current_app=self.admin_site.name
        )
        return HttpResponseRedirect(changelist)
