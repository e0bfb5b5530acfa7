"""The dispatch log in the admin: every email, webhook event and robot message, its status
and error; resend; preview a digest."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import OwnedAdmin
from core.ownership import is_supervisor

from . import admin_webhooks  # noqa: F401  (registers the webhook subscriptions' admin)
from . import dispatch as dispatch_service
from .admin_missing import missing_reports_view, own_departments
from .admin_robots import GroupRobotAdmin  # noqa: F401  (registers it)
from .models import Dispatch
from .weekly import preview_digest


class DigestPreviewForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("department"), queryset=own_departments(None)
    )
    date = forms.DateField(label=gettext_lazy("as of"), widget=AdminDateWidget)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The office previews its own city's departments' digests, never another city's.
        self.fields["department"].queryset = own_departments(user)


@admin.register(Dispatch)
class DispatchAdmin(OwnedAdmin):
    """The dispatch log: every email, its status and error; resend; preview a digest."""

    list_display = [
        "created_at",
        "channel",
        "kind",
        "recipient",
        "subject",
        "period",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["channel", "kind", "status", "period"]
    search_fields = ["recipient", "subject", "subject_key"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [
        "channel",
        "kind",
        "subject_key",
        "recipient",
        "period",
        "worth_until",
        "subject",
        "body_text",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "created_at",
    ]
    exclude = ["body_html", "subscription", "robot", "payload"]
    change_list_template = "admin/notifications/dispatch/change_list.html"

    def has_add_permission(self, request):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # A subscription's "deliveries" link (admin_webhooks) filters the log by it.
        return lookup == "subscription__id__exact" or super().lookup_allowed(lookup, value, request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Send selected again"))
    def resend(self, request, queryset):
        count = dispatch_service.resend(list(queryset))
        self.message_user(
            request, _("%(count)d will be sent again at the next delivery.") % {"count": count}
        )

    def get_urls(self):
        return [
            path(
                "preview-digest/",
                self.admin_site.admin_view(self.preview_digest),
                name="notifications_dispatch_preview_digest",
            ),
            path(
                "missing-reports/",
                self.admin_site.admin_view(self.missing_reports),
                name="notifications_dispatch_missing_reports",
            ),
            *super().get_urls(),
        ]

    def missing_reports(self, request):
        """Each department's missing reports and overdue receipts for a date (read-only)."""
        return missing_reports_view(self, request)

    def preview_digest(self, request):
        """A department's digest for any date, as it would go out; nothing is sent."""
        if not is_supervisor(request.user):
            raise PermissionDenied
        form = DigestPreviewForm(
            request.GET or None, initial={"date": timezone.localdate()}, user=request.user
        )
        preview = None
        if form.is_valid():
            subject, _text, html = preview_digest(
                form.cleaned_data["department"], form.cleaned_data["date"]
            )
            preview = {"subject": subject, "html": html}
        return TemplateResponse(
            request,
            "admin/notifications/dispatch/preview_digest.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Preview a digest"),
                "opts": self.opts,
                "form": form,
                "preview": preview,
            },
        )
