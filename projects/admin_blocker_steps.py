"""The steps of a problem (困难问题) in the admin: one button per step the user may take
now, each opening a short form that calls the step's service (projects.blockers); the
panel on the problem's page (state, coordinator, deadline, history, files)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import acts_on
from core.admin_steps import step_page
from core.evidence_forms import MultipleEvidenceField
from tracker.ladder import working_days_after_deadline
from tracker.models import Department
from workdays.calendar import calendar as working_calendar

from . import blockers
from .blockers import NOTE_MAX_LENGTH
from .choices import BlockerAction, BlockerState

STATE_COLOURS = {
    BlockerState.OPEN: "#b06000",
    BlockerState.COORDINATING: "#1a73e8",
    BlockerState.ESCALATED: "#d93025",
    BlockerState.SOLVED: "#188038",
    BlockerState.WITHDRAWN: "#9aa0a6",
}


def note_field(label=None, required=True):
    return forms.CharField(
        label=label or gettext_lazy("note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=required,
        max_length=NOTE_MAX_LENGTH,
    )


def files_field():
    return MultipleEvidenceField(
        label=gettext_lazy("evidence files"),
        required=False,
        help_text=gettext_lazy("Site photos, signed documents, minutes (PDF, images, Office)."),
    )


class AssignForm(forms.Form):
    coordinating_department = forms.ModelChoiceField(
        label=gettext_lazy("coordinating department"), queryset=Department.objects.none()
    )
    supporting_departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("supporting departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label=gettext_lazy("deadline"), widget=AdminDateWidget)
    note = note_field(required=False)

    def __init__(self, *args, blocker, **kwargs):
        super().__init__(*args, **kwargs)
        # The problem's own city's departments: never another city's.
        departments = Department.objects.for_tenants([blocker.tenant_id]).order_by("name")
        self.fields["coordinating_department"].queryset = departments
        self.fields["supporting_departments"].queryset = departments


class NoteForm(forms.Form):
    note = note_field()
    files = files_field()


class NoteOnlyForm(forms.Form):
    note = note_field()


class SolveForm(forms.Form):
    resolution = note_field(label=gettext_lazy("resolution"))
    files = files_field()


STEP_FORMS = {
    BlockerAction.ASSIGN: AssignForm,
    BlockerAction.NOTE: NoteForm,
    BlockerAction.ESCALATE: NoteOnlyForm,
    BlockerAction.SOLVE: SolveForm,
    BlockerAction.WITHDRAW: NoteOnlyForm,
}


def step_initial(action, blocker):
    if action != BlockerAction.ASSIGN:
        return {}
    return {
        "coordinating_department": blocker.coordinating_department_id,
        "supporting_departments": list(blocker.supporting_departments.all()),
        "deadline": blocker.deadline,
    }


def run_step(action, blocker, user, data):
    """Call the step's service with what its form gathered."""
    if action == BlockerAction.ASSIGN:
        return blockers.assign_blocker(
            blocker,
            by=user,
            coordinating_department=data["coordinating_department"],
            supporting_departments=data["supporting_departments"],
            deadline=data["deadline"],
            note=data["note"],
        )
    if action == BlockerAction.NOTE:
        return blockers.add_note(blocker, by=user, note=data["note"], files=data["files"])
    if action == BlockerAction.ESCALATE:
        return blockers.escalate_blocker(blocker, by=user, note=data["note"])
    if action == BlockerAction.SOLVE:
        return blockers.solve_blocker(
            blocker, by=user, resolution=data["resolution"], files=data["files"]
        )
    return blockers.withdraw_blocker(blocker, by=user, note=data["note"])


def add_errors(form, error):
    """A service's refusal, field by field; one without a field goes on top of the form."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


class BlockerStepsAdmin:
    """Mixin for the problem admin: the step pages and the panel of the problem's page."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/<str:action>/",
                self.admin_site.admin_view(self.step_view),
                name="projects_blocker_step",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(blocker_panel(request.user, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def step_view(self, request, object_id, action):
        blocker = self.get_object(request, object_id)
        # Only a problem of the user's own city is theirs to step on.
        if blocker is None or action not in blockers.STEPS or not acts_on(request.user, blocker):
            raise Http404
        if not blockers.may_take(request.user, blocker, action):
            raise PermissionDenied
        form_class = STEP_FORMS[action]
        extra = {"blocker": blocker} if form_class is AssignForm else {}
        form = form_class(
            request.POST or None,
            request.FILES or None,
            initial=step_initial(action, blocker),
            **extra,
        )
        if request.method == "POST" and form.is_valid():
            try:
                run_step(action, blocker, request.user, form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("“%(step)s” done for the problem “%(problem)s”.")
                    % {"step": BlockerAction(action).label, "problem": blocker.title},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:projects_blocker_change", args=[blocker.pk])
                )
        return step_page(
            self,
            request,
            blocker,
            template="admin/projects/blocker/step.html",
            title=BlockerAction(action).label,
            form=form,
        )


def state_badge(blocker):
    return format_html(
        '<span class="blocker-state blocker-{}" style="color:{}">{}</span>',
        blocker.state,
        STATE_COLOURS.get(blocker.state, "#202124"),
        blocker.get_state_display(),
    )


def time_left_text(blocker, today, calendar):
    """Working days left (or overdue) for a problem being chased; else what became of it."""
    if blocker.state == BlockerState.SOLVED:
        return _("solved on %(date)s") % {"date": f"{blocker.solved_on:%Y-%m-%d}"}
    if not blocker.is_unsolved:
        return blocker.get_state_display()
    if blocker.deadline is None:
        return "-"
    days = -working_days_after_deadline(blocker.deadline, today, calendar)
    if days < 0:
        return _("%(days)d working days overdue") % {"days": -days}
    if days == 0:
        return _("due today")
    return _("%(days)d working days left") % {"days": days}


def step_url(blocker, action):
    return reverse("admin:projects_blocker_step", args=[blocker.pk, action])


def blocker_panel(user, blocker):
    """The panel of a problem's page: where it stands, its steps, and the buttons."""
    steps = blockers.allowed_actions(user, blocker) if acts_on(user, blocker) else []
    return {
        "blocker_state": state_badge(blocker),
        "blocker_time_left": time_left_text(blocker, timezone.localdate(), working_calendar()),
        "blocker_supporting": list(blocker.supporting_departments.all()),
        "blocker_steps": [
            (BlockerAction(action).label, step_url(blocker, action)) for action in steps
        ],
        "blocker_history": blocker.steps.select_related("by").prefetch_related("evidence"),
    }
