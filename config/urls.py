from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, re_path, reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from bulletins.views import bulletin_file
from cooperation.views import cooperation_evidence, cooperation_evidence_thumbnail
from core.health import healthz
from projects.views import (
    blocker_evidence,
    blocker_evidence_thumbnail,
    project_evidence,
    project_evidence_thumbnail,
)
from tracker.sso import AdminSignInForm, SignInForm
from tracker.views import task_evidence, task_evidence_thumbnail

admin.site.site_header = _("Investment-attraction project tracker")
admin.site.site_title = _("Investment-attraction project tracker")
admin.site.index_title = _("Projects, key tasks and deadlines")
# Refuses at once when local passwords are off; the template shows the sign-on button.
admin.site.login_form = AdminSignInForm

# DRF's login and logout (rest_framework.urls) with the same password rule as the admin's.
api_auth = (
    [
        path(
            "login/",
            auth_views.LoginView.as_view(
                template_name="rest_framework/login.html", authentication_form=SignInForm
            ),
            name="login",
        ),
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    ],
    "rest_framework",
)


def dispatch_log_moved(request, rest):
    """The dispatch log moved from tracker to notifications: old bookmarks keep working."""
    target = reverse("admin:notifications_dispatch_changelist") + escape_uri_path(rest)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin, whose catch-all would answer the old address first.
    re_path(r"^admin/tracker/dispatch/(?P<rest>.*)$", dispatch_log_moved),
    path("admin/", admin.site.urls),
    path("dashboard/", include("dashboard.urls")),
    # My work (我的待办): the officials' phone page.
    path("m/", include("mobile.urls")),
    # Evidence files: never a public media URL; the view applies the task's rules.
    path("files/projects/<int:pk>/", project_evidence, name="project_evidence"),
    path(
        "files/projects/<int:pk>/thumbnail/",
        project_evidence_thumbnail,
        name="project_evidence_thumbnail",
    ),
    path("files/tasks/<int:pk>/", task_evidence, name="task_evidence"),
    path(
        "files/tasks/<int:pk>/thumbnail/", task_evidence_thumbnail, name="task_evidence_thumbnail"
    ),
    path("files/bulletins/<int:pk>/<str:part>/", bulletin_file, name="bulletin_file"),
    path("files/cooperation/<int:pk>/", cooperation_evidence, name="cooperation_evidence"),
    path(
        "files/cooperation/<int:pk>/thumbnail/",
        cooperation_evidence_thumbnail,
        name="cooperation_evidence_thumbnail",
    ),
    path("files/problems/<int:pk>/", blocker_evidence, name="blocker_evidence"),
    path(
        "files/problems/<int:pk>/thumbnail/",
        blocker_evidence_thumbnail,
        name="blocker_evidence_thumbnail",
    ),
    path("api/", include("config.api")),
    path("api-auth/", include(api_auth)),
]
if settings.TRACKER_SSO_ENABLED:
    # Single sign-on (tracker.sso): authenticate/ sends the browser to the identity
    # provider, callback/ takes it back, logout/ (POST) logs out of the tracker only.
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
