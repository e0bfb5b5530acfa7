"""Possible duplicate projects in the admin (docs/duplicates.md): the review page, reached
from the project list, where a supervisor decides "not a duplicate"; and the decisions,
read-only. Officials get 403 on both: the decision is the supervising office's. Each
supervisor reviews their own city's projects only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.admin import OwnedAdmin, RecordOnlyAdminMixin
from core.ownership import is_supervisor
from core.tenancy import tenant_id_of

from .duplicates import dismiss_duplicate, find_duplicates
from .models import DuplicateDismissal, Project

# Pairs listed on one page, most similar first: each decision shortens the list.
SHOWN = 200


# The largest id a database's big integer holds: a larger one is a forged form.
LARGEST_ID = 2**63 - 1


class DismissForm(forms.Form):
    first = forms.IntegerField(min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput)
    second = forms.IntegerField(min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput)
    note = forms.CharField(
        label=DuplicateDismissal._meta.get_field("note").verbose_name,
        max_length=DuplicateDismissal._meta.get_field("note").max_length,
        required=False,
    )


def refusal(form):
    """What was wrong with a decision's form: the pair (hidden fields) or the note."""
    if "first" in form.errors or "second" in form.errors:
        return _("Choose a pair of projects to decide on.")
    return " ".join(form.errors["note"])


class DuplicateReviewAdmin:
    """Mixin for the project admin: the page of possible duplicates (supervisors only)."""

    def get_urls(self):
        return [
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_duplicates",
            ),
            *super().get_urls(),
        ]

    def duplicates_url(self):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_duplicates",
            current_app=self.admin_site.name,
        )

    def changelist_view(self, request, extra_context=None):
        # The list's link to the review page, for those who may use it.
        if is_supervisor(request.user):
            extra_context = {**(extra_context or {}), "duplicates_url": self.duplicates_url()}
        return super().changelist_view(request, extra_context)

    def duplicates_view(self, request):
        if not is_supervisor(request.user):
            raise PermissionDenied
        if request.method == "POST":
            form = DismissForm(request.POST)
            if not form.is_valid():
                messages.error(request, refusal(form))
            elif self.dismiss(request, form):
                return HttpResponseRedirect(self.duplicates_url())
        tenant = tenant_id_of(request.user)  # None (an operator): the home city
        review = find_duplicates(tenant=tenant)
        return TemplateResponse(
            request,
            "admin/projects/project/duplicates.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Possible duplicates"),
                "opts": self.opts,
                "rows": self.review_rows(request, review.pairs[:SHOWN]),
                "count": len(review.pairs),
                "shown": min(len(review.pairs), SHOWN),
                "too_large": review.too_large,
                "decisions_url": reverse(
                    "admin:projects_duplicatedismissal_changelist",
                    current_app=self.admin_site.name,
                ),
            },
        )

    def dismiss(self, request, form):
        """Record the decision; False (with the message shown) when it was refused."""
        data = form.cleaned_data
        try:
            dismissal = dismiss_duplicate(
                data["first"], data["second"], by=request.user, note=data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return False
        messages.success(
            request,
            _("“%(first)s” and “%(second)s” are not duplicates: the pair is no longer shown.")
            % {"first": dismissal.first, "second": dismissal.second},
        )
        return True

    def review_rows(self, request, pairs):
        """Each pair with both projects (one query for them all) and their admin links."""
        ids = {pk for pair in pairs for pk in (pair.first, pair.second)}
        visible = Project.objects.visible_to(request.user)
        projects = visible.select_related("host_division").in_bulk(ids)

        def side(pk):
            project = projects[pk]
            url = reverse(
                "admin:projects_project_change", args=[pk], current_app=self.admin_site.name
            )
            return {"project": project, "url": url}

        return [
            {"pair": pair, "sides": [side(pair.first), side(pair.second)]}
            for pair in pairs
            if pair.first in projects and pair.second in projects
        ]


@admin.register(DuplicateDismissal)
class DuplicateDismissalAdmin(RecordOnlyAdminMixin, OwnedAdmin):
    """The "not a duplicate" decisions: who decided, when and why. A record, never edited
    here; supervisors read it, officials do not see it."""

    list_display = ["first", "second", "note", "decided_by", "decided_at"]
    list_select_related = ["first", "second", "decided_by"]
    search_fields = ["first__code", "first__name", "second__code", "second__name", "note"]
    fields = list_display
    readonly_fields = list_display

    def has_module_permission(self, request):
        return is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_supervisor(request.user)

    def changelist_view(self, request, extra_context=None):
        review_url = reverse("admin:projects_project_duplicates", current_app=self.admin_site.name)
        extra_context = {**(extra_context or {}), "duplicates_url": review_url}
        return super().changelist_view(request, extra_context)
