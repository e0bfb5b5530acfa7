from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from tracker.health import healthz

admin.site.site_header = _("Investment-attraction project tracker")
admin.site.site_title = _("Investment-attraction project tracker")
admin.site.index_title = _("Projects, key tasks and deadlines")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dashboard/", include("dashboard.urls")),
    path("api/", include("config.api")),
    path("api-auth/", include("rest_framework.urls")),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
