"""Each item's one-screen form: progress on a key task or a project, acknowledging a task
(签收), requesting completion (申请办结), a note on a problem, raising a problem.

Every form calls the same service as the admin and the API; a refused post changes nothing
and shows the service's messages field by field; a step the user may not take is a 403.
Objects are found among what the user may act on (mobile.access), else a 404. A success
redirects (POST-redirect-GET) with a message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from projects import blockers as problem_steps
from projects.choices import BlockerAction
from projects.models import Blocker, Project
from projects.services import record_project_update
from tracker import loop
from tracker.choices import LoopAction
from tracker.ladder import LoopContext
from tracker.models import KeyTask
from tracker.services import record_task_update

from .access import blockers_for, official_required, projects_for, tasks_for
from .forms import (
    CompletionForm,
    ProblemNoteForm,
    ProjectProgressForm,
    RaiseProblemForm,
    ReceiveForm,
    TaskProgressForm,
    add_service_errors,
)
from .links import admin_url

GET_POST = require_http_methods(["GET", "POST"])
RECENT = 3  # reports shown under a form
STEPS_SHOWN = 10  # a problem's latest steps


def bound(request):
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def refused(request, error):
    return render(request, "mobile/refused.html", {"message": str(error)}, status=403)


def form_page(request, form, *, template, context, run, success, next_url):
    """Show ``form``; on a valid post run the service, then redirect with ``success``.

    ``next_url(result)`` is where to go once ``run(cleaned_data)`` returned ``result``.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            return refused(request, error)
        else:
            messages.success(request, success)
            return redirect(next_url(result))
    return render(request, template, {**context, "form": form})


def home_url(result=None):
    return reverse("mobile:home")


def task_context(request, task):
    context = LoopContext()
    last_step = task.transitions.order_by("-at", "-pk").first()
    return {
        "task": task,
        "rung": context.rung(task),
        "overdue": task.is_overdue(context.today),
        "returned": last_step if last_step and last_step.action == LoopAction.RETURN else None,
        "reports": task.updates.prefetch_related("evidence")[:RECENT],
        "may_receive": loop.may_take(request.user, task, LoopAction.RECEIVE),
        "may_complete": loop.may_take(request.user, task, LoopAction.REQUEST_COMPLETION),
        "admin_url": admin_url(KeyTask, task.pk),
    }


@official_required
@GET_POST
def task_page(request, pk):
    """Record progress on a key task (status, progress, note, photos)."""
    task = get_object_or_404(tasks_for(request.user), pk=pk)
    form = TaskProgressForm(
        *bound(request),
        user=request.user,
        initial={"status": "in_progress", "progress": task.progress},
    )

    def run(data):
        return record_task_update(
            task=task, reported_on=timezone.localdate(), author=request.user, **data
        )

    return form_page(
        request,
        form,
        template="mobile/task.html",
        context=task_context(request, task),
        run=run,
        success=_("The report on “%(obj)s” was recorded.") % {"obj": task},
        next_url=home_url,
    )


def step_page(request, pk, *, action, form_class, run, success):
    """A loop step of the lead department (签收, 申请办结) on one screen."""
    task = get_object_or_404(tasks_for(request.user), pk=pk)
    step = loop.STEPS[action]
    if task.state in step.sources and not loop.may_take(request.user, task, action):
        return refused(request, _("Only the lead department's officials may do this."))
    return form_page(
        request,
        form_class(*bound(request)),
        template="mobile/task_step.html",
        context={
            **task_context(request, task),
            "action": LoopAction(action),
            "possible": task.state in step.sources,
        },
        run=lambda data: run(task, by=request.user, **data),
        success=success % {"obj": task},
        next_url=home_url,
    )


@official_required
@GET_POST
def task_receive(request, pk):
    return step_page(
        request,
        pk,
        action=LoopAction.RECEIVE,
        form_class=ReceiveForm,
        run=loop.receive_task,
        success=_("“%(obj)s” was acknowledged."),
    )


@official_required
@GET_POST
def task_complete(request, pk):
    return step_page(
        request,
        pk,
        action=LoopAction.REQUEST_COMPLETION,
        form_class=CompletionForm,
        run=loop.request_completion,
        success=_("Completion of “%(obj)s” was requested; the office will close it out."),
    )


@official_required
@GET_POST
def project_page(request, pk):
    """Record progress on a project (stage, funds in place, note, photos)."""
    project = get_object_or_404(projects_for(request.user), pk=pk)
    form = ProjectProgressForm(
        *bound(request),
        initial={"stage": project.stage, "funds_in_place": project.funds_in_place},
    )

    def run(data):
        return record_project_update(
            project=project, reported_on=timezone.localdate(), author=request.user, **data
        )

    return form_page(
        request,
        form,
        template="mobile/project.html",
        context={
            "project": project,
            "milestone": project.next_milestone(),
            "overdue": project.milestone_overdue(),
            "reports": project.updates.prefetch_related("evidence")[:RECENT],
            "problems": project.blockers.unsolved(),
            "admin_url": admin_url(Project, project.pk),
        },
        run=run,
        success=_("The report on “%(obj)s” was recorded.") % {"obj": project},
        next_url=home_url,
    )


@official_required
@GET_POST
def project_problem(request, pk):
    """Raise a problem (提出困难问题) on one of the department's projects."""
    project = get_object_or_404(projects_for(request.user), pk=pk)
    return form_page(
        request,
        RaiseProblemForm(*bound(request)),
        template="mobile/raise.html",
        context={"project": project, "admin_url": admin_url(Project, project.pk)},
        run=lambda data: problem_steps.raise_blocker(by=request.user, project=project, **data),
        success=_("The problem was raised; the office will assign a coordinating department."),
        next_url=lambda blocker: reverse("mobile:blocker", args=[blocker.pk]),
    )


@official_required
@GET_POST
def blocker_page(request, pk):
    """A problem, its latest steps, and a progress note (进展) with photos."""
    blocker = get_object_or_404(blockers_for(request.user), pk=pk)
    may_note = problem_steps.may_take(request.user, blocker, BlockerAction.NOTE)
    if request.method == "POST" and blocker.is_unsolved and not may_note:
        return refused(request, _("Only the departments this problem involves may add notes."))
    return form_page(
        request,
        ProblemNoteForm(*bound(request)),
        template="mobile/blocker.html",
        context={
            "blocker": blocker,
            "may_note": may_note,
            "steps": blocker.steps.select_related("by").prefetch_related("evidence")[:STEPS_SHOWN],
            "admin_url": admin_url(Blocker, blocker.pk),
        },
        run=lambda data: problem_steps.add_note(blocker, by=request.user, **data),
        success=_("Your note on “%(obj)s” was added.") % {"obj": blocker},
        next_url=lambda step: reverse("mobile:blocker", args=[blocker.pk]),
    )
