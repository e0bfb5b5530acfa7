"""Group robots (WeCom, DingTalk) in the admin: an official manages their own department's,
a supervisor all of them and the supervising office's (no department).

The webhook address (it holds the robot's key or access_token) and DingTalk's signing
secret are never shown back: the page shows the address masked and whether a secret is
set, and takes a new one only when typed. Actions: send a test message (queued; the next
delivery sends it), resume a paused robot.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import OwnedAdmin
from core.ownership import department_id_of, is_supervisor
from tracker.models import Department

from .channels.http import mask
from .models import Dispatch, GroupRobot
from .robots import ROBOT_KINDS, queue_test, resume_robots, robot_errors, save_robot

# Form fields that stand for model fields in the errors ``robots.robot_errors`` gives.
FORM_FIELD = {"webhook_url": "new_webhook_url", "secret": "new_secret", "kinds": "kinds"}


class GroupRobotForm(forms.ModelForm):
    new_webhook_url = forms.URLField(
        label=gettext_lazy("webhook address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "Copied from the group's robot settings. Leave empty to keep the current one."
        ),
    )
    new_secret = forms.CharField(
        label=gettext_lazy("signing secret"),
        required=False,
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "DingTalk's 加签 secret (SEC…). Leave empty to keep the current one."
        ),
    )
    clear_secret = forms.BooleanField(
        label=gettext_lazy("Remove the signing secret"), required=False
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("kinds"),
        required=False,
        choices=[(kind, Dispatch.Kind(kind).label) for kind in ROBOT_KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: it receives all of them."),
    )

    class Meta:
        model = GroupRobot
        fields = ["name", "platform", "department", "keyword", "kinds", "is_active"]

    def _post_clean(self):
        super()._post_clean()
        robot, data = self.instance, self.cleaned_data
        stored = GroupRobot.objects.filter(pk=robot.pk).first() if robot.pk else None
        if data.get("new_webhook_url"):
            robot.webhook_url = data["new_webhook_url"]
        elif stored is None:
            self.add_error("new_webhook_url", _("This field is required."))
            return
        if data.get("clear_secret"):
            robot.secret = ""
        elif data.get("new_secret"):
            robot.secret = data["new_secret"].strip()
        robot.kinds = list(data.get("kinds") or [])
        for field, messages_ in robot_errors(robot, stored).items():
            name = FORM_FIELD.get(field, field)
            self.add_error(name if name in self.fields else None, messages_)


@admin.register(GroupRobot)
class GroupRobotAdmin(OwnedAdmin):
    form = GroupRobotForm
    list_display = [
        "name",
        "platform",
        "department",
        "masked_address",
        "is_active",
        "paused_at",
        "consecutive_failures",
        "message_log",
    ]
    list_filter = ["platform", "is_active", ("paused_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "department__name"]
    list_select_related = ["department"]
    readonly_fields = [
        "masked_address",
        "has_secret",
        "paused_at",
        "consecutive_failures",
        "masked_error",
        "message_log",
    ]
    actions = ["send_test_message", "resume"]

    def get_fields(self, request, obj=None):
        fields = ["name", "platform", "department"]
        fields += ["new_webhook_url", "new_secret", "clear_secret", "keyword", "kinds"]
        fields += ["is_active"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A robot's rows are queued for its platform's channel: add a new robot instead.
        return fields if obj is None else ["platform", *fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not is_supervisor(request.user):
            # An official's one choice: their own department (and never none).
            kwargs["queryset"] = Department.objects.filter(pk=department_id_of(request.user))
            kwargs["initial"] = department_id_of(request.user)
            kwargs["required"] = True
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The service checks the department rule before and after saving.
        save_robot(obj, by=request.user)

    @admin.display(description=gettext_lazy("webhook address"))
    def masked_address(self, obj):
        return mask(obj.webhook_url) if obj and obj.webhook_url else "—"

    @admin.display(description=gettext_lazy("signing secret"), boolean=True)
    def has_secret(self, obj):
        return bool(obj and obj.secret)

    @admin.display(description=gettext_lazy("last error"))
    def masked_error(self, obj):
        return mask(obj.last_error) if obj else ""

    @admin.display(description=gettext_lazy("messages"))
    def message_log(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:notifications_dispatch_changelist")
        return format_html('<a href="{}?robot__id__exact={}">{}</a>', url, obj.pk, _("Messages"))

    def changeable(self, request, queryset):
        """The selected robots the user may change; says how many were left out."""
        allowed = queryset.changeable_by(request.user)
        refused = queryset.count() - allowed.count()
        if refused:
            self.message_user(
                request,
                _("%(count)d of the selected robots belong to another department: left out.")
                % {"count": refused},
                messages.WARNING,
            )
        return list(allowed)

    @admin.action(description=gettext_lazy("Send a test message"))
    def send_test_message(self, request, queryset):
        now = timezone.now()
        robots = self.changeable(request, queryset)
        for robot in robots:
            queue_test(robot, now=now)
        self.message_user(
            request,
            _("%(count)d test messages queued; the next delivery sends them.")
            % {"count": len(robots)},
        )

    @admin.action(description=gettext_lazy("Resume selected robots"))
    def resume(self, request, queryset):
        count = resume_robots(self.changeable(request, queryset), by=request.user)
        self.message_user(
            request, _("Resumed; %(count)d failed messages will be sent again.") % {"count": count}
        )
