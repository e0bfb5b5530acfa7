"""Searching text the way Chinese users search it, fast.

Django and DRF search case-insensitively with UPPER(column) LIKE UPPER(term), which no
index can serve. Instead:

- a term without cased letters (Chinese, digits) is matched with a plain LIKE: the
  same rows, and about twice as fast when the table must be read;
- a term with letters is matched with ILIKE (``ilike_contains``), which PostgreSQL's
  trigram indexes answer (projects migration 0005) as they answer LIKE, for terms of
  three characters or more, without reading the table;
- on PostgreSQL, where a list declares its grams index (projects migration 0016), every
  term's bigrams must also be in the row's grams (``with_grams``): a GIN index answers
  that for terms of one and two characters too, and the LIKE stays the exact test.
"""

import json

from django.db import connections
from django.db.models import BooleanField, CharField, F, Func, TextField
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


def term_grams(term):
    """What an index of grams knows of a term: its bigrams, lower-cased (its one
    character, for a one-character term); None when Python's lower case might not be
    PostgreSQL's (a cased letter beyond ASCII), so the term is checked by LIKE alone."""
    if any(not char.isascii() and char.lower() != char.upper() for char in term):
        return None
    text = term.lower()
    if len(text) == 1:
        return [text]
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


class GramsContain(Func):
    """``tracker_grams(f1 || ' ' || f2 ...) @> grams``: the expression of the GIN index of
    projects migration 0016, written as the index writes it so the planner matches them."""

    arg_joiner = " || ' ' || "
    output_field = BooleanField()
    conditional = True

    def __init__(self, fields, grams):
        super().__init__(*(F(name) for name in fields))
        self.grams = grams

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, function="tracker_grams", **extra)
        return f"{sql} @> %s::text[]", [*params, self.grams]

    def as_sqlite(self, compiler, connection, **extra):
        return "1 = 1", []


#: Terms this long are served by the trigram indexes (projects migration 0005); the grams
#: are asked only for shorter ones, which have no trigram. (Measured at 100,000 projects:
#: LD-00500 through the trigrams 1.8 ms, and 20 ms with the grams condition added as a
#: filter on every row the trigrams found.)
TRIGRAM_LENGTH = 3


def with_grams(queryset, fields, terms):
    """The queryset with the grams condition for the short ``terms`` over ``fields``
    added, on PostgreSQL; the caller's LIKE/ILIKE filter stays the exact test (the grams
    only narrow the rows it must look at, through the GIN index)."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset
    grams = set()
    for term in terms:
        if len(term) < TRIGRAM_LENGTH:
            grams.update(term_grams(term) or ())
    if not grams:
        return queryset
    condition = GramsContain(fields, sorted(grams))
    if frequent(queryset.model, condition):
        return queryset
    return queryset.filter(condition)


#: Above this share of the table, a term is found faster without its grams: a page walks
#: the list's own index and meets a match every few rows, and a capped count stops early,
#: while the grams would cost a bitmap of most of the table, or their function on every
#: match. (Measured at 1,000,000 projects: `年产`, half of the names, page 100 took 85 ms
#: with the grams and 10 ms without, its capped count 47 ms and 6 ms; a rare term takes
#: 1 ms with them and a whole-table scan, 136 ms, without.)
FREQUENT_SHARE = 0.05


def frequent(model, condition):
    """Whether the planner expects ``condition`` (the grams) to hold for more than
    FREQUENT_SHARE of ``model``'s rows: its estimate, from the statistics ANALYZE keeps on
    the grams index's expression (the most common grams), at the price of one planning."""
    queryset = model._base_manager.filter(condition).values("pk")
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        expected = plan_rows(cursor.fetchone()[0])
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        rows = cursor.fetchone()[0]
    return rows > 0 and expected > FREQUENT_SHARE * rows


def plan_rows(explained):
    plan = explained if isinstance(explained, list) else json.loads(explained)
    return plan[0]["Plan"]["Plan Rows"]
