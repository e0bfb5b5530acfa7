"""The libraries' admins under the tenant rule: auth's users and groups, django-axes' login
records, django-celery-beat's schedules.

- Users: a user who is not a superuser reads only the logins of their own city (the users
  whose official or city-leader profile belongs to it); never another city's people. The
  autocomplete of a token's or a city leader's user asks this admin, so it offers the same.
- Login records, schedules and the role groups are deployment-wide: every city's logins and
  addresses, one beat schedule and two groups for all cities. With one city they stay as
  today (the office reads the login records, unlocks an account, adjusts a schedule); with
  more than one city only the deployment's operators (superusers) see them.

Imported by ``tracker.admin``: the admin autodiscovers auth, axes and celery-beat before
tracker (INSTALLED_APPS order), so their registrations are replaced here.
"""

from axes import admin as axes_admin  # noqa: F401  (registers them first)
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django_celery_beat import admin as beat_admin  # noqa: F401  (registers them first)

from core.tenancy import reach_of
from regions.models import Tenant


def operators_only(request):
    """True when a deployment-wide admin is closed to ``request.user``: several cities,
    and not a superuser (asked once per request)."""
    if request.user.is_superuser:
        return False
    if not hasattr(request, "_several_cities"):
        request._several_cities = Tenant.objects.cities().count() > 1
    return request._several_cities


class OperatorsOnceSeveralCities:
    """A library's admin of deployment-wide records: as the library has it with one city,
    superusers only with several. The library's own answer is asked first, so that a user
    without its permissions (an official) costs no query."""

    def has_module_permission(self, request):
        return super().has_module_permission(request) and not operators_only(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and not operators_only(request)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and not operators_only(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not operators_only(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not operators_only(request)


class CityUserAdmin(type(admin.site._registry[get_user_model()])):
    """auth's user admin, listing only the user's own city's logins."""

    # core.admin: a form's choice of a user offers what this admin lists.
    lists_only_reachable_rows = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        reach = reach_of(request.user)
        if reach.everything:
            return queryset
        return queryset.filter(
            Q(official__tenant__in=reach.own) | Q(city_leader__tenant__in=reach.own)
        )


def deployment_wide(model):
    """Replace the library's admin of ``model`` by the same, closed to all but superusers
    once there are several cities."""
    library_admin = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(
        model, type(library_admin.__name__, (OperatorsOnceSeveralCities, library_admin), {})
    )


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), CityUserAdmin)

for deployment_model in [
    Group,
    *[model for model in list(admin.site._registry) if model._meta.app_label == "axes"],
    *[
        model
        for model in list(admin.site._registry)
        if model._meta.app_label == "django_celery_beat"
    ],
]:
    deployment_wide(deployment_model)
