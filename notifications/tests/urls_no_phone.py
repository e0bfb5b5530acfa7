"""The site's URLs without the phone page: email links fall back to the admin pages."""

from config.urls import urlpatterns as site

urlpatterns = [pattern for pattern in site if getattr(pattern, "namespace", None) != "mobile"]
