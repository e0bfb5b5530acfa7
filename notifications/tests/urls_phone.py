"""The site's URLs with a stand-in for the phone page's ``mobile:open`` (``/m/open/<key>/``),
so that the tests of email links assert their shape whatever mobile/urls.py holds yet."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as site


def open_item(request, key):
    return HttpResponse(key)


phone = ([path("open/<str:key>/", open_item, name="open")], "mobile")

urlpatterns = [
    path("m/", include(phone)),
    *[pattern for pattern in site if getattr(pattern, "namespace", None) != "mobile"],
]
