from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import OwnedAdmin, RecordHistoryAdmin, VersionedForm, several_tenants
from core.admin_lists import LargeListAdmin
from core.admin_reports import ReadOnlyReportAdmin, RecordReportAdmin, ReportHistoryInline
from core.display import light, progress_bar
from core.evidence_forms import MultipleEvidenceField
from core.ledger_admin import LedgerAdmin
from core.ownership import is_supervisor

from . import (
    admin_accounts,  # noqa: F401  (the libraries' admins under the tenant rule)
    services,
)
from .admin_filters import TaskDueSoonFilter, TaskOverdueFilter, TaskYearFilter
from .admin_loop import KeyTaskLoopAdmin, SupervisionStateFilter
from .admin_scoping import DepartmentScopedAdmin
from .choices import TaskStatus
from .models import ApiToken, Department, KeyTask, Official, TaskUpdate, WorkPoint
from .resources import KeyTaskResource


class DepartmentForm(forms.ModelForm):
    def clean_sso_code(self):
        # Compared character for character with the identity provider's claim (tracker.sso):
        # a stray space or line break would make every login of the department fail.
        code = self.cleaned_data.get("sso_code")
        if code is not None and (not code.isprintable() or any(ch.isspace() for ch in code)):
            raise ValidationError(_("Enter the code exactly as the identity provider sends it."))
        return code


@admin.register(Department)
class DepartmentAdmin(RecordHistoryAdmin):
    # Reference data: only supervisors change a department (its single sign-on code too).
    form = DepartmentForm
    city_column = True
    tenant_choice = True  # superusers set up a new city's departments
    list_display = ["name", "short_name", "division", "has_liaison_section", "email", "sso_code"]
    list_filter = ["has_liaison_section", "is_demo"]
    search_fields = ["name", "short_name", "sso_code"]
    autocomplete_fields = ["division"]
    list_select_related = ["division"]


class OfficialCreationForm(forms.ModelForm):
    """A new login for an official: the user and the profile in one form."""

    username = forms.CharField(label=gettext_lazy("username"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("email"), required=False)
    password = forms.CharField(
        label=gettext_lazy("password"), widget=forms.PasswordInput, min_length=8
    )

    class Meta:
        model = Official
        fields = ["department", "role", "phone", "is_supervisor", "receives_digest"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise ValidationError(_("This username is already taken."))
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


# What only the deployment's operators (superusers) set, with more than one tenant: what
# an official reads beyond their city (a province user, a regional user). A new
# official's city is the add form's ``tenant_choice`` (core.admin), for superusers only.
OPERATOR_FIELDS = ["reach", "region"]


@admin.register(Official)
class OfficialAdmin(OwnedAdmin):
    tenant_choice = True  # superusers make the first login of a new city's office
    list_display = ["user", "department", "role", "phone", "is_supervisor", "receives_digest"]
    list_filter = ["is_supervisor", "role", "receives_digest", "department"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    autocomplete_fields = ["department"]
    list_select_related = ["user", "department"]
    fields = ["user", "department", "role", "phone", "is_supervisor", "receives_digest"]
    readonly_fields = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OfficialCreationForm
            kwargs["fields"] = None
            if self.offers_operator_fields(request):
                kwargs["fields"] = [*OfficialCreationForm.Meta.fields, *OPERATOR_FIELDS]
        return super().get_form(request, obj, change, **kwargs)

    def offers_operator_fields(self, request):
        return request.user.is_superuser and several_tenants(request)

    def get_fields(self, request, obj=None):
        operator = OPERATOR_FIELDS if self.offers_operator_fields(request) else []
        if obj is None:
            return ["username", "full_name", "email", "password", *self.fields[1:], *operator]
        return [*self.fields, *operator]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.save_official(obj)
            else:
                services.add_official(
                    obj,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                )
        except ValidationError as error:
            # Validated in the form already; a race (same username) lands here.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            raise


@admin.register(WorkPoint)
class WorkPointAdmin(OwnedAdmin):
    list_display = ["year", "number", "aspect", "title"]
    list_filter = ["year", "aspect"]
    search_fields = ["title"]
    ordering = ["year", "number"]


class TaskUpdateInline(ReportHistoryInline):
    model = TaskUpdate
    fields = ["reported_on", "status", "progress", "note", "evidence_links", "author", "created_at"]
    evidence_url_name = "task_evidence"


class TaskProgressForm(forms.Form):
    reported_on = forms.DateField(label=gettext_lazy("reported on"), widget=AdminDateWidget)
    status = forms.ChoiceField(label=gettext_lazy("status"), choices=TaskStatus.choices)
    progress = forms.IntegerField(label=gettext_lazy("progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=gettext_lazy("note"), widget=forms.Textarea, required=False)
    files = MultipleEvidenceField(label=gettext_lazy("evidence files"), required=False)


class KeyTaskForm(VersionedForm):
    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_department")
        if lead:
            try:
                services.validate_supporters(lead.pk, cleaned.get("supporting_departments"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class MarkDoneForm(forms.Form):
    completed_on = forms.DateField(label=gettext_lazy("completed on"), widget=AdminDateWidget)


@admin.register(KeyTask)
class KeyTaskAdmin(
    KeyTaskLoopAdmin,
    LargeListAdmin,
    DepartmentScopedAdmin,
    RecordReportAdmin,
    LedgerAdmin,
    RecordHistoryAdmin,
):
    form = KeyTaskForm
    city_column = True
    change_form_template = "admin/tracker/keytask/change_form.html"
    owner_field = "lead_department"
    save_service = staticmethod(services.save_key_task)
    reported_fields = services.REPORTED_TASK_FIELDS
    resource_classes = [KeyTaskResource]
    report_form_class = TaskProgressForm
    list_display = [
        "code",
        "title",
        "lead_department",
        "deadline",
        "loop_time_left",
        "light_display",
        "loop_state",
        "loop_rung",
        "progress_display",
        "loop_next_report",
        "report_link",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        TaskYearFilter,
        "work_point__aspect",
        "work_point",
        "lead_department",
        "status",
        "state",
        SupervisionStateFilter,
        TaskOverdueFilter,
        TaskDueSoonFilter,
    ]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["work_point", "lead_department", "supporting_departments"]
    list_select_related = ["lead_department"]
    inlines = [TaskUpdateInline]
    actions = ["mark_done"]
    date_hierarchy = "deadline"

    @admin.display(description=gettext_lazy("light"))
    def light_display(self, task):
        return light(task.light())

    @admin.display(description=gettext_lazy("progress (%)"), ordering="progress")
    def progress_display(self, task):
        return progress_bar(task.progress)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_supervisor(request.user):
            # Officials request completion on the task's page; supervisors close tasks.
            actions.pop("mark_done", None)
        return actions

    def report_initial(self, task):
        status = TaskStatus.IN_PROGRESS if task.status == TaskStatus.NOT_STARTED else task.status
        return {"reported_on": timezone.localdate(), "status": status, "progress": task.progress}

    def record_report(self, task, user, data):
        services.record_task_update(task=task, author=user, **data)

    @admin.action(description=gettext_lazy("Mark selected tasks done on a date"))
    def mark_done(self, request, queryset):
        if self.refuse_unless_all_changeable(request, queryset):
            return None
        form = MarkDoneForm(
            request.POST if "apply" in request.POST else None,
            initial={"completed_on": timezone.localdate()},
        )
        if form.is_valid():
            try:
                completed = services.complete_tasks(
                    tasks=list(queryset),
                    completed_on=form.cleaned_data["completed_on"],
                    author=request.user,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                _("%(count)d tasks marked done.") % {"count": len(completed)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/tracker/keytask/mark_done.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Mark selected tasks done on a date"),
                "opts": self.opts,
                "tasks": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(TaskUpdate)
class TaskUpdateAdmin(ReadOnlyReportAdmin):
    list_display = ["task", "reported_on", "status", "progress", "author", "created_at"]
    list_filter = ["status"]
    search_fields = ["task__code", "task__title", "note"]
    list_select_related = ["task", "author"]


# A token's page shows what its list shows; only name, user and scope are ever typed in.
TOKEN_FIELDS = [
    "name",
    "user",
    "scope",
    "prefix",
    "created_by",
    "created_at",
    "last_used_at",
    "revoked_at",
]


@admin.register(ApiToken)
class ApiTokenAdmin(OwnedAdmin):
    """Tokens for dashboards and other systems; the key is shown once, at creation."""

    list_display = TOKEN_FIELDS
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "created_by"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "user", "scope"]
        return TOKEN_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        key = services.issue_api_token(obj, created_by=request.user)
        self.message_user(
            request,
            _("Token created. Copy its key now; it is not shown again: %(key)s") % {"key": key},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record of who had access stays

    @admin.action(description=gettext_lazy("Revoke selected tokens"))
    def revoke(self, request, queryset):
        count = services.revoke_api_tokens(list(queryset))
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": count})
