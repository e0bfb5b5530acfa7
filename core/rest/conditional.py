"""ETag and If-None-Match for the API's answers (docs/api.md, "ETag and 304").

Every GET or HEAD under /api/ answered 200 gets a strong ETag, the MD5 of the body as it
was rendered (language and format included), and a request whose If-None-Match matches
it gets 304 with no body: a client polling a list that did not change reads nothing.
The server still builds the answer (only bandwidth is saved): a content hash is right
where a version number is not (a project's answer embeds its reports and open problems,
which change without its version).

A versioned detail (a project, a key task, a cooperation item) was given ``ETag: "7"``
by its view (tracker.api.viewsets.etag_for); it keeps its version in front of the hash,
``"v7.<md5>"``, so that ``If-Match`` still compares versions (412 on a lost update) while
``If-None-Match`` compares content. Any other ETag a view set (evidence files) is left
alone. Django's own ConditionalGetMiddleware is not used: it would also hash the admin's
pages, and it would check If-Match on a GET against the hash.

Every answer under /api/ is one user's (each city, province and department reads its own
rows): it says ``Cache-Control: private`` and ``Vary: Cookie, Authorization``, so that a
shared cache (a proxy, a CDN) never serves one caller's body, or a 304, to another.
"""

import hashlib
import re

from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

API_PREFIX = "/api/"
VERSION_ETAG = re.compile(r'"([0-9]+)"')
# What a 304 carries over from the answer it stands for (RFC 9110, 15.4.5).
KEPT_ON_304 = ("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary")


def content_etag(response):
    """The ETag for a rendered answer, or None when a view set one of its own."""
    digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
    existing = response.get("ETag")
    if existing is None:
        return f'"{digest}"'
    version = VERSION_ETAG.fullmatch(existing)
    return f'"v{version[1]}.{digest}"' if version else None


def matches(header, etag):
    """If-None-Match's weak comparison: ``*``, or any listed tag with W/ dropped."""
    tags = parse_etags(header)
    if tags == ["*"]:
        return True
    bare = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == bare for tag in tags)


def not_modified(response):
    answer = HttpResponseNotModified()
    for header in KEPT_ON_304:
        if header in response:
            answer[header] = response[header]
    answer.cookies = response.cookies
    return answer


def private(response):
    """Mark an answer as the caller's own (before a 304 copies the headers over); Django
    drops a ``public`` a view may have said."""
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ("Cookie", "Authorization"))


class ConditionalGetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        private(response)
        if response.status_code != 200 or response.streaming:
            return response
        if request.method not in ("GET", "HEAD"):
            # A write's answer (PUT/PATCH) shows the version the same way as a read.
            if VERSION_ETAG.fullmatch(response.get("ETag", "")):
                response["ETag"] = content_etag(response)
            return response
        etag = content_etag(response)
        if etag is None:
            return response
        response["ETag"] = etag
        header = request.headers.get("If-None-Match")
        if header and matches(header, etag):
            return not_modified(response)
        return response
