"""The problem register (困难问题) in the admin: the list, raising a problem, its page
(read-only: every change is a step, see admin_blocker_steps), and the problems on a
project's page and list."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import OwnedAdmin
from core.evidence_forms import MultipleEvidenceField
from core.ownership import can_change
from tracker.models import KeyTask
from workdays.calendar import calendar as working_calendar

from . import blockers
from .admin_blocker_steps import BlockerStepsAdmin, add_errors, state_badge, time_left_text
from .admin_filters import BlockerOverdueFilter, BlockerUnsolvedFilter, unsolved_problems_of_project
from .choices import BlockerKind
from .models import Blocker, Project
from .models.blockers import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH

PAGE_FIELDS = [
    "title",
    "project",
    "task",
    "kind",
    "description",
    "raising_department",
    "raised_by",
    "raised_at",
    "state",
    "coordinating_department",
    "supporting_departments",
    "deadline",
    "assigned_at",
    "solved_on",
    "resolution",
]


class RaiseForm(forms.Form):
    """提出困难问题: what is blocked (one of the user's department's projects or key tasks),
    the problem, its kind and files. The choices are what ``changeable_by`` allows."""

    project = forms.ModelChoiceField(label=gettext_lazy("project"), queryset=None, required=False)
    task = forms.ModelChoiceField(label=gettext_lazy("key task"), queryset=None, required=False)
    title = forms.CharField(label=gettext_lazy("problem"), max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=BlockerKind.choices)
    description = forms.CharField(
        label=gettext_lazy("description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    files = MultipleEvidenceField(label=gettext_lazy("evidence files"), required=False)

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # 100,000 projects: typed into a search box, never listed in a <select>.
        self.fields["project"] = forms.ModelChoiceField(
            label=gettext_lazy("project"),
            queryset=Project.objects.changeable_by(user).order_by("code"),
            required=False,
            widget=AutocompleteSelect(Blocker._meta.get_field("project"), admin_site),
        )
        tasks = KeyTask.objects.changeable_by(user).open().order_by("-year", "code")
        self.fields["task"].queryset = tasks

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("project", "task") if cleaned.get(name)]
        if len(chosen) != 1 and not self.has_error("project") and not self.has_error("task"):
            raise forms.ValidationError(
                _("Choose the project or the key task the problem blocks (one of them).")
            )
        return cleaned


def blocker_columns(today, calendar):
    """List columns closed over one page's day and calendar (the admin is shared)."""

    def time_left(blocker):
        return time_left_text(blocker, today, calendar)

    def age(blocker):
        return blockers.age_in_days(blocker, today)

    time_left.short_description = gettext_lazy("time left")
    time_left.admin_order_field = "deadline"
    age.short_description = gettext_lazy("age (days)")
    age.admin_order_field = "raised_at"
    return {"time_left": time_left, "age": age}


def blocked_link(blocker):
    """What the problem blocks, linked to its page."""
    if blocker.project_id:
        url = reverse("admin:projects_project_change", args=[blocker.project_id])
        return format_html('<a href="{}">{}</a>', url, blocker.project.name)
    url = reverse("admin:tracker_keytask_change", args=[blocker.task_id])
    return format_html('<a href="{}">{}</a>', url, blocker.task)


def id_param(value):
    """A pre-filled id from the address (``?project=12``), or None for anything that is not
    one: the autocomplete widget would look up ``abc`` or a number past bigint and fail."""
    if value and value.isascii() and value.isdigit() and int(value) < 2**63:
        return int(value)
    return None


@admin.register(Blocker)
class BlockerAdmin(BlockerStepsAdmin, OwnedAdmin):
    list_display = [
        "title",
        "blocked",
        "kind",
        "state_display",
        "raising_department",
        "coordinating_department",
        "deadline",
        "time_left",
        "age",
    ]
    list_display_links = ["title"]
    list_filter = [
        "state",
        "kind",
        ("coordinating_department", admin.RelatedOnlyFieldListFilter),
        ("raising_department", admin.RelatedOnlyFieldListFilter),
        BlockerOverdueFilter,
        BlockerUnsolvedFilter,
    ]
    search_fields = ["title", "project__name", "project__code", "task__title"]
    list_select_related = ["project", "task", "raising_department", "coordinating_department"]
    ordering = ["raised_at", "pk"]
    fields = PAGE_FIELDS
    readonly_fields = PAGE_FIELDS
    change_form_template = "admin/projects/blocker/change_form.html"

    @admin.display(description=gettext_lazy("blocks"))
    def blocked(self, blocker):
        return blocked_link(blocker)

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_display(self, blocker):
        return state_badge(blocker)

    # Placeholders named in list_display (so the admin's checks find them); each page
    # gets its own columns from blocker_columns().
    def time_left(self, blocker):
        raise NotImplementedError

    age = time_left

    def get_list_display(self, request):
        columns = blocker_columns(timezone.localdate(), working_calendar())
        return [columns.get(name, name) for name in super().get_list_display(request)]

    # A problem's page is read-only: every change is a step with its own page.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the register is a record: a problem raised by mistake is withdrawn

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {name: id_param(request.GET.get(name)) for name in ("project", "task")}
        form = RaiseForm(
            request.POST or None,
            request.FILES or None,
            initial=initial,
            user=request.user,
            admin_site=self.admin_site,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                blocker = blockers.raise_blocker(
                    by=request.user,
                    project=data["project"],
                    task=data["task"],
                    title=data["title"],
                    description=data["description"],
                    kind=data["kind"],
                    files=data["files"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                self.log_addition(request, blocker, [{"added": {}}])
                self.message_user(
                    request,
                    _("The problem “%(problem)s” was raised.") % {"problem": blocker.title},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:projects_blocker_change", args=[blocker.pk])
                )
        return TemplateResponse(
            request,
            "admin/projects/blocker/step.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Raise a problem"),
                "opts": self.opts,
                "form": form,
                "media": self.media + form.media,
            },
        )


class ProjectProblemsAdmin:
    """Mixin for the project admin: a marker column for unsolved problems (one subquery,
    no query per row), the problems on the project's page and a link to raise one."""

    def get_queryset(self, request):
        count = (
            unsolved_problems_of_project(request.user)
            .order_by()
            .values("project")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(open_problems=Coalesce(Subquery(count, output_field=IntegerField()), 0))
        )

    @admin.display(description=gettext_lazy("problems"), ordering="open_problems")
    def problems_marker(self, project):
        if not project.open_problems:
            return ""
        url = (
            reverse("admin:projects_blocker_changelist")
            + "?"
            + urlencode({"project__id__exact": project.pk, "unsolved": "yes"})
        )
        return format_html(
            '<a class="problems-marker" href="{}" title="{}" style="color:#d93025">⚠ {}</a>',
            url,
            _("unsolved problems"),
            project.open_problems,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(project_problems(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        # The project box of "raise a problem" offers only what the user may raise on.
        match = getattr(request, "resolver_match", None)
        params = request.GET
        if (
            match is not None
            and match.url_name == "autocomplete"
            and params.get("app_label") == "projects"
            and params.get("model_name") == "blocker"
        ):
            queryset = queryset.changeable_by(request.user)
        return super().get_search_results(request, queryset, search_term)


def project_problems(request, project):
    # A province user reads a shared project, never its city's problems.
    problems = (
        project.blockers.visible_to(request.user)
        .select_related("coordinating_department")
        .order_by("raised_at")
    )
    context = {
        "project_problems": [
            (
                problem,
                state_badge(problem),
                reverse("admin:projects_blocker_change", args=[problem.pk]),
            )
            for problem in problems
        ],
        "project_problems_url": reverse("admin:projects_blocker_changelist")
        + "?"
        + urlencode({"project__id__exact": project.pk}),
    }
    if request.user.has_perm("projects.add_blocker") and can_change(request.user, project):
        context["raise_problem_url"] = (
            reverse("admin:projects_blocker_add") + "?" + urlencode({"project": project.pk})
        )
    return context
