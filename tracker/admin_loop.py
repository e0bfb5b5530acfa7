"""The supervision loop in the key-task admin: each step a button and a short form, the
task's place in the loop (state, rung, next report due) in the list and on its page, and
the org chart the ladder reaches (roles, city leaders, rungs)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import OwnedAdmin, acts_on
from core.admin_steps import step_page
from core.evidence_forms import MultipleEvidenceField
from workdays.calendar import calendar as working_calendar

from . import loop
from .choices import LoopAction
from .ladder import LoopContext, working_days_after_deadline
from .loop import NOTE_MAX_LENGTH
from .models import CityLeader, EscalationRung, TaskUpdate
from .reporting import missing_report_filter, next_report_due

STATE_COLOURS = {
    "assigned": "#b06000",
    "received": "#1a73e8",
    "in_progress": "#1a73e8",
    "completion_requested": "#8430ce",
    "closed": "#188038",
    "cancelled": "#9aa0a6",
}


class LoopStepForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = loop.STEPS[action].needs_note
        if action == LoopAction.REQUEST_COMPLETION:
            self.fields["files"] = MultipleEvidenceField(
                label=gettext_lazy("evidence files"),
                required=False,
                help_text=gettext_lazy(
                    "Site photos, signed documents, minutes (PDF, images, Office)."
                ),
            )


def run_step(action, task, user, data):
    """Call the step's service with what its form gathered."""
    note = data.get("note", "")
    if action == LoopAction.RECEIVE:
        return loop.receive_task(task, by=user, note=note)
    if action == LoopAction.REQUEST_COMPLETION:
        return loop.request_completion(task, by=user, note=note, files=data.get("files", []))
    if action == LoopAction.CLOSE:
        return loop.close_task(task, by=user, note=note)
    if action == LoopAction.RETURN:
        return loop.return_task(task, by=user, note=note)
    return loop.cancel_task(task, by=user, note=note)


class SupervisionStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("reporting")
    parameter_name = "reporting"

    def lookups(self, request, model_admin):
        return [("missing", _("Missed the latest cut-off"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(missing_report_filter(timezone.now(), working_calendar()))
        return queryset


class KeyTaskLoopAdmin:
    """Mixin for the key-task admin: the loop's steps, columns and page panel."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/loop/<str:action>/",
                self.admin_site.admin_view(self.loop_step_view),
                name="tracker_keytask_loop",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # A subquery per row shown (the reports' (task, created_at) index), not a join and
        # GROUP BY over every report: the list's count, year choices and date hierarchy
        # then read the tasks alone (100,000 tasks and a million reports at province scale).
        latest = TaskUpdate.objects.filter(task=OuterRef("pk")).order_by("-created_at")
        return (
            super()
            .get_queryset(request)
            .annotate(last_reported_at=Subquery(latest.values("created_at")[:1]))
        )

    def get_list_display(self, request):
        # The loop's columns need the calendar and the ladder: read once per page, and
        # closed over here because the admin instance is shared by concurrent requests.
        columns = loop_columns(LoopContext())
        return [columns.get(name, name) for name in super().get_list_display(request)]

    # Placeholders named in list_display (so the admin's checks find them); each page
    # gets its own columns from loop_columns().
    def loop_time_left(self, task):
        raise NotImplementedError

    loop_state = loop_rung = loop_next_report = loop_time_left

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(loop_panel(request.user, obj, LoopContext()))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def loop_step_view(self, request, object_id, action):
        task = self.get_object(request, object_id)
        # A task the user reads but of another city (a province user's) is not theirs to
        # step on: as if it were not there.
        if task is None or action not in loop.STEPS or not acts_on(request.user, task):
            raise Http404
        if not loop.may_take(request.user, task, action):
            raise PermissionDenied
        form = LoopStepForm(request.POST or None, request.FILES or None, action=action)
        if request.method == "POST" and form.is_valid():
            try:
                run_step(action, task, request.user, form.cleaned_data)
            except ValidationError as error:
                # A step refused on the locked row (a double click, someone faster) has no
                # field: its message goes on top of the form.
                errors = (
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
                for field, messages_ in errors.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                self.message_user(
                    request,
                    _("“%(step)s” done for %(task)s.")
                    % {"step": LoopAction(action).label, "task": task.code},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:tracker_keytask_change", args=[task.pk]))
        return step_page(
            self,
            request,
            task,
            template="admin/tracker/keytask/loop_step.html",
            title=LoopAction(action).label,
            form=form,
        )


def state_badge(task):
    return format_html(
        '<span class="loop-state loop-{}" style="color:{}">{}</span>',
        task.state,
        STATE_COLOURS.get(task.state, "#202124"),
        task.get_state_display(),
    )


def rung_text(task, context):
    rung = context.rung(task)
    return rung.name if rung else "-"


def working_days_text(task, context):
    if not task.is_open:
        return task.get_status_display()
    days = -working_days_after_deadline(task.deadline, context.today, context.calendar)
    if days < 0:
        return _("%(days)d working days overdue") % {"days": -days}
    if days == 0:
        return _("due today")
    return _("%(days)d working days left") % {"days": days}


def next_report_text(task, context):
    due = next_report_due(task, context.now, context.calendar, task.last_reported_at)
    return timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "-"


def loop_columns(context):
    """List columns closed over one page's context (the admin is shared between requests)."""

    def state(task):
        return state_badge(task)

    def rung(task):
        return rung_text(task, context)

    def next_report(task):
        return next_report_text(task, context)

    def time_left(task):
        return working_days_text(task, context)

    state.short_description = gettext_lazy("supervision state")
    state.admin_order_field = "state"
    rung.short_description = gettext_lazy("escalation rung")
    next_report.short_description = gettext_lazy("next report due")
    time_left.short_description = gettext_lazy("time left")
    time_left.admin_order_field = "deadline"
    return {
        "loop_time_left": time_left,
        "loop_state": state,
        "loop_rung": rung,
        "loop_next_report": next_report,
    }


def step_url(task, action):
    return reverse("admin:tracker_keytask_loop", args=[task.pk, action])


def loop_panel(user, task, context):
    """The loop panel of a task's page: its state, rung, next report, steps and files."""
    last = task.updates.aggregate(latest=Max("created_at"))["latest"]
    steps = loop.allowed_actions(user, task) if acts_on(user, task) else []
    # A province user reads its cities' tasks and their reports, not their loop's records.
    transitions = task.transitions.visible_to(user).select_related("by")
    evidence = task.evidence.visible_to(user).select_related("report", "transition")
    return {
        "loop_state": state_badge(task),
        "loop_rung": rung_text(task, context),
        "loop_time_left": working_days_text(task, context),
        "loop_next_report": next_report_due(task, context.now, context.calendar, last),
        "loop_steps": [(LoopAction(action).label, step_url(task, action)) for action in steps],
        "loop_history": transitions.prefetch_related("evidence")[:20],
        "loop_evidence": evidence[:50],
    }


@admin.register(CityLeader)
class CityLeaderAdmin(OwnedAdmin):
    list_display = ["name", "title", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "title"]
    autocomplete_fields = ["departments", "user"]


@admin.register(EscalationRung)
class EscalationRungAdmin(OwnedAdmin):
    list_display = ["name", "working_days", "audience", "is_active"]
    list_editable = ["is_active"]
    ordering = ["working_days"]
