"""Webhook subscriptions in the admin: supervisors only. The secret is shown once, when
it is made (creation, rotation); lists never show it. Actions: resume, send a test
event, rotate the secret. Each subscription links to its deliveries in the dispatch log,
where a delivery can be resent."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import OwnedAdmin
from core.ownership import is_supervisor

from . import subscriptions as service
from .channels.http import mask
from .events import EVENT_TYPES
from .models import WebhookSubscription


class SubscriptionForm(forms.ModelForm):
    # Checked by the service's rule (http/https, no credentials), not Django's URLField.
    url = forms.CharField(label=gettext_lazy("URL"), max_length=500)
    events = forms.MultipleChoiceField(
        label=gettext_lazy("events"),
        choices=list(EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if errors := service.url_errors(url):
            raise ValidationError(errors)
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(OwnedAdmin):
    form = SubscriptionForm
    list_display = [
        "name",
        "masked_url",
        "event_list",
        "is_active",
        "paused_at",
        "consecutive_failures",
        "deliveries",
    ]
    list_filter = ["is_active", ("paused_at", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    readonly_fields = ["paused_at", "consecutive_failures", "masked_error", "deliveries"]
    actions = ["resume", "send_test_event", "rotate_secret"]

    # Supervisors only, whatever the groups' model permissions say.
    def has_module_permission(self, request):
        return is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_supervisor(request.user)

    def has_add_permission(self, request):
        return is_supervisor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_supervisor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the dispatch log keeps its deliveries

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "events", "is_active"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    @admin.display(description=gettext_lazy("URL"))
    def masked_url(self, obj):
        return mask(obj.url)

    @admin.display(description=gettext_lazy("events"))
    def event_list(self, obj):
        return ", ".join(obj.events or [])

    @admin.display(description=gettext_lazy("last error"))
    def masked_error(self, obj):
        return mask(obj.last_error)

    @admin.display(description=gettext_lazy("deliveries"))
    def deliveries(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:notifications_dispatch_changelist")
        return format_html(
            '<a href="{}?subscription__id__exact={}">{}</a>', url, obj.pk, _("Deliveries")
        )

    def save_model(self, request, obj, form, change):
        try:
            if change:
                service.save_subscription(obj, by=request.user)
                return
            _subscription, secret = service.create_subscription(obj, by=request.user)
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from None
        self.show_secret(request, secret)

    def show_secret(self, request, secret):
        self.message_user(
            request,
            _("Copy the signing secret now; it is not shown again: %(secret)s")
            % {"secret": secret},
            messages.WARNING,
        )

    @admin.action(description=gettext_lazy("Resume selected subscriptions"))
    def resume(self, request, queryset):
        count = service.resume_subscriptions(list(queryset), by=request.user)
        self.message_user(
            request,
            _("Resumed; %(count)d failed deliveries will be sent again.") % {"count": count},
        )

    @admin.action(description=gettext_lazy("Send a test event (ping)"))
    def send_test_event(self, request, queryset):
        count = service.send_test_event(list(queryset), by=request.user)
        self.message_user(
            request, _("%(count)d test events queued; see the deliveries.") % {"count": count}
        )

    @admin.action(description=gettext_lazy("Rotate the signing secret"))
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Rotate one subscription at a time."), messages.ERROR)
            return
        self.show_secret(request, service.rotate_secret(queryset.get(), by=request.user))
