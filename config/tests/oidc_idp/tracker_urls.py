"""The tracker's URLs with single sign-on on, for tests that turn it on after config.urls was
imported with it off (config.urls adds oidc/ only when OIDC_RP_CLIENT_ID is set at start)."""

from django.urls import include, path

from config.urls import handler404, handler500
from config.urls import urlpatterns as tracker_urlpatterns

urlpatterns = [*tracker_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]

__all__ = ["handler404", "handler500", "urlpatterns"]
