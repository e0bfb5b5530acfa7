"""Searching text the way Chinese users search it, fast.

Django and DRF search case-insensitively with UPPER(column) LIKE UPPER(term), which no
index can serve. Instead:

- a term without cased letters (Chinese, digits) is matched with a plain LIKE: the
  same rows, and about twice as fast when the table must be read;
- a term with letters is matched with ILIKE (``ilike_contains``), which PostgreSQL's
  trigram indexes answer (projects migration 0005) as they answer LIKE, for terms of
  three characters or more, without reading the table.
"""

from django.db.models import CharField, TextField
from django.db.models.lookups import IContains


def is_uncased(term):
    return term.upper() == term.lower()


def search_lookup(terms):
    """The lookup for these search terms: ``contains`` or ``ilike_contains``."""
    return "contains" if all(is_uncased(term) for term in terms) else "ilike_contains"


class ILikeContains(IContains):
    """``icontains`` as ILIKE on PostgreSQL (so that trigram indexes serve it); the same
    as ``icontains`` elsewhere."""

    lookup_name = "ilike_contains"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql}::text ILIKE {rhs_sql}", [*lhs_params, *rhs_params]


def register_lookups():
    CharField.register_lookup(ILikeContains)
    TextField.register_lookup(ILikeContains)
