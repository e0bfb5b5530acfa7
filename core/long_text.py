"""A text column for long documents written in bulk (a rendered email's bodies)."""

from django.db import models


class LongTextField(models.TextField):
    """A ``TextField`` that ``bulk_create`` writes as ``VALUES`` rows, not as Django 5.2's
    ``UNNEST`` of one array per column on PostgreSQL.

    With psycopg's client-side binding an array of long texts is quoted element by
    element, every double quote escaped through a regular expression, and the server parses
    the array again: queuing a week's 900 digests (12 KB of HTML each) took 2.0 s in one
    ``INSERT ... UNNEST``, 0.9–1.1 s as ``VALUES`` (measured at 100k, docs/benchmarks.md).
    Django leaves ``UNNEST`` for fields that choose their own placeholder, which this one
    does: the ordinary one. Nothing else differs, in the database or in Python.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"
