"""My work (我的待办) on a phone: the list, the department's tasks and projects, the links
from emails, and the phone's login. The items' forms are in mobile.item_views."""

from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET

from core.ownership import is_supervisor
from notifications.sources import missing_lists, overdue_lists
from projects.choices import REPORTING_STAGES
from tracker.choices import CHASED_TASK_STATES, TaskState
from tracker.sso import SignInForm

from .access import official_required, projects_for, queryset_for, tasks_for
from .item_views import (
    blocker_page,
    project_page,
    project_problem,
    task_complete,
    task_page,
    task_receive,
)
from .links import PHONE_PAGES, admin_url, is_phone, parse_key, phone_url
from .work import department_work, office_work

# The department's lists show at most this many rows (the admin has them all).
LIST_ROWS = 100


@official_required
@require_GET
def home(request):
    """The department's items, most urgent first; the office's view for a supervisor."""
    user = request.user
    if is_supervisor(user):
        return render(request, "mobile/office.html", {"office": office_work(user)})
    department = user.official.department
    items = department_work(user, department.pk)
    # The most urgent only: a department at province scale can have thousands of items,
    # more than a phone can show; the counts say how many in all.
    return render(
        request,
        "mobile/home.html",
        {
            "department": department,
            "items": items[:LIST_ROWS],
            "count": len(items),
            "more": len(items) > LIST_ROWS,
            # Where the rest are: the department's lists in the desktop version.
            "overdue_lists": overdue_lists(department.pk) if len(items) > LIST_ROWS else [],
            "missing_lists": missing_lists(department.pk) if len(items) > LIST_ROWS else [],
            "late": sum(1 for item in items if item.tone == "late"),
        },
    )


@official_required
@require_GET
def task_list(request):
    """The department's open key tasks (every one, for the office), earliest deadline first."""
    tasks = (
        tasks_for(request.user)
        .filter(state__in=(*CHASED_TASK_STATES, TaskState.COMPLETION_REQUESTED))
        .order_by("deadline", "code")
    )
    return render(
        request,
        "mobile/list.html",
        {"kind": "tasks", "rows": tasks[:LIST_ROWS], "more": tasks.count() > LIST_ROWS},
    )


@official_required
@require_GET
def project_list(request):
    """The department's projects still being brought in or built."""
    projects = (
        projects_for(request.user).filter(stage__in=REPORTING_STAGES).order_by("-is_key", "code")
    )
    return render(
        request,
        "mobile/list.html",
        {"kind": "projects", "rows": projects[:LIST_ROWS], "more": projects.count() > LIST_ROWS},
    )


@official_required
@require_GET
def open_item(request, key):
    """The link in reminders and digests: a phone goes to the item's phone page, anything
    else to its admin page (the desktop keeps the admin). An unknown key, a missing object,
    or, on a phone, an object the user may not act on, is a 404."""
    parsed = parse_key(key)
    # Another city's item is not there for the user (the tenant rule), as a missing one.
    if (
        parsed is None
        or not parsed.model.objects.visible_to(request.user).filter(pk=parsed.pk).exists()
    ):
        raise Http404("No such item.")
    if not is_phone(request) or parsed.model not in PHONE_PAGES:
        return redirect(admin_url(parsed.model, parsed.pk))
    if not queryset_for(request.user, parsed.model).filter(pk=parsed.pk).exists():
        raise Http404("No such item.")
    return redirect(phone_url(parsed.model, parsed.pk))


class LoginView(auth_views.LoginView):
    """Django's login (django-axes counts and locks out failures, as on the admin's)."""

    template_name = "mobile/login.html"
    authentication_form = SignInForm  # refuses at once when local passwords are off
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("mobile:home")

    def get_success_url(self):
        # A signed-in user sent to the login page "next" to itself would loop (Django
        # refuses with a 500): they go to their work instead.
        url = super().get_success_url()
        return reverse("mobile:home") if url == self.request.path else url


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view(next_page=reverse_lazy("mobile:login"))

__all__ = [
    "blocker_page",
    "home",
    "login",
    "logout",
    "open_item",
    "project_list",
    "project_page",
    "project_problem",
    "task_complete",
    "task_list",
    "task_page",
    "task_receive",
]
