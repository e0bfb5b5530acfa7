"""Two-character Chinese search from an index (PostgreSQL only; nothing elsewhere).

``tracker_grams(text)`` is every 1- and 2-character substring of the lower-cased text, and
one GIN index holds it for ``code || ' ' || name || ' ' || investor``. A search term's
bigrams (its one character, for a one-character term) must all be in a row's grams for
the term to occur in one of the three fields; core.search.GramSearch asks that with
``@>`` and keeps the LIKE/ILIKE test as the exact check. Trigram indexes cannot serve a
pattern of two characters (it has no trigram), and pg_bigm, PGroonga and zhparser are
not packaged for Debian 12. The trigram indexes stay (migration 0005) until the bench
shows ILIKE of 3+ letters as fast through the grams.

Not atomic: on PostgreSQL the index is built CONCURRENTLY, so writes go on meanwhile.
"""

from django.db import migrations

# PL/pgSQL over the characters (string_to_array(t, NULL) splits them in C): measured 15
# times faster than the same grams from generate_series and array_agg(DISTINCT) in SQL
# (7 µs against 110 µs for a 70-character row), which matters where the condition is
# evaluated row by row (a frequent term read along the list's index, every write of a
# project, the index build). Duplicates are left in: GIN keeps each key once, and @>
# ignores them.
FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_grams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  chars text[] := string_to_array(lower(t), NULL);
  grams text[] := chars;
BEGIN
  FOR i IN 1 .. coalesce(cardinality(chars), 0) - 1 LOOP
    grams := grams || (chars[i] || chars[i + 1]);
  END LOOP;
  RETURN grams;
END
$$
"""
INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS project_search_grams ON projects_project
USING gin (tracker_grams(code || ' ' || name || ' ' || investor))
"""


def on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("projects", "0015_project_tally")]

    operations = [
        migrations.RunPython(
            on_postgresql(FUNCTION, INDEX),
            on_postgresql(
                "DROP INDEX CONCURRENTLY IF EXISTS project_search_grams",
                "DROP FUNCTION IF EXISTS tracker_grams(text)",
            ),
        ),
    ]
