"""Who may use the phone pages, and the objects each user may act on (the data path).

Anonymous callers go to the phone's login page (with ``next``); a signed-in user without
an official profile (and not a superuser) gets a page saying so. Objects are looked up
only among what the user may change (key tasks and projects of their department) or is
involved in (problems), always of their own city: anything else is a 404, whatever its id.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from core.ownership import department_id_of, is_supervisor
from core.tenancy import reach_of
from projects.models import Blocker, Project
from tracker.models import KeyTask


def is_official(user):
    return is_supervisor(user) or department_id_of(user) is not None


def official_required(view):
    """Signed in, active and an official (or supervisor); else the login or a 403 page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("mobile:login"))
        if not is_official(request.user):
            return render(request, "mobile/no_profile.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def tasks_for(user):
    return KeyTask.objects.changeable_by(user).select_related("lead_department")


def projects_for(user):
    return Project.objects.changeable_by(user).select_related("responsible_department")


def own_city(queryset, user):
    """The rows of ``user``'s own city (every one for a superuser): what the office's
    phone page counts and lists."""
    reach = reach_of(user)
    return queryset if reach.everything else queryset.for_tenants(reach.own)


def blockers_for(user):
    """Problems ``user`` may open on the phone: every one of the city for the office; for
    an official, those their department raised, coordinates or supports."""
    blockers = own_city(Blocker.objects.all(), user).select_related(
        "project", "task", "raising_department", "coordinating_department"
    )
    if is_supervisor(user):
        return blockers
    return blockers.involving(department_id_of(user))


def queryset_for(user, model):
    return {KeyTask: tasks_for, Project: projects_for, Blocker: blockers_for}[model](user)
