"""STUB (replaced by the bulletins work): a bulletin's files at /files/bulletins/<pk>/<part>/."""

from django.http import Http404


def bulletin_file(request, pk, part):
    raise Http404
