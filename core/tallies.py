"""Aggregates kept exact by the database itself: a tally table summed from a source table by
triggers generated from one declaration (``Tally``), for PostgreSQL and SQLite alike.

A tally cell is keyed by a dimension's name (``dim``), the source's ``group`` columns and
the dimension's ``key`` (text: one or more key expressions joined by ``|``, ``""`` when not
set), and holds the ``sums`` of the source rows it covers. One group column (``all_of``)
also gets a copy of every cell with the value 0, "all of them" (all years).

Triggers, not signals or ``save()``: every write reaches the tally in the writer's own
transaction, whatever made it (``update()``, ``bulk_create``, cascades, ``COPY``, raw SQL).

- PostgreSQL: statement-level ``AFTER`` triggers with transition tables (one run per
  statement, however many rows), one upsert whose rows come in a fixed order (cell order)
  so that two writers lock shared cells in the same order and never deadlock, then the
  deletion of the cells that reached zero; ``AFTER TRUNCATE`` empties the tally.
- SQLite: row triggers doing the same for one row.

A key may read another table (``depends_on``): when that table's named columns change, the
dimensions using the key are rebuilt from the source in the same transaction.

This module imports no app: the app declares its tally and calls ``install_sql`` from a
migration, ``differences`` and ``rebuild`` from its check.
"""

from dataclasses import dataclass, field

VENDORS = ("postgresql", "sqlite")


@dataclass(frozen=True)
class Dependency:
    """A key reads ``table``: when one of its ``columns`` changes (rows matched on ``pk``),
    the dimensions using ``keys`` are rebuilt."""

    table: str
    columns: tuple
    keys: tuple
    pk: str = "id"
    # A column of ``table`` equal to a group column of the tally (the tenant): on
    # PostgreSQL only the changed rows' groups are rebuilt, not every group's.
    scope: str = ""


@dataclass(frozen=True)
class Tally:
    table: str  # the tally's table
    source: str  # the summed table
    group: tuple  # source columns copied into every cell (same names on the tally)
    all_of: str  # the group column that also gets the 0 copy of every cell
    sums: dict  # tally column -> SQL over the source row {r}
    keys: dict  # key name -> SQL text over {r} ("" when not set); str or {vendor: str}
    dims: dict  # dim name -> tuple of key names ("" dim: no key)
    read_columns: tuple  # the source columns the expressions read (SQLite UPDATE OF)
    depends_on: tuple = field(default=())  # Dependency, ...

    # -- SQL pieces -------------------------------------------------------------------

    def cell_columns(self):
        return ("dim", *self.group, "key")

    def columns(self):
        return (*self.cell_columns(), *self.sums)

    def expression(self, sql, vendor, row):
        if isinstance(sql, dict):
            sql = sql[vendor]
        return sql.format(r=row)

    def row_select(self, vendor, sign, row, source=None, where=""):
        """One source's rows as (sign, group columns, sums, keys), once per row."""
        parts = [f"{sign} AS tally_sign"]
        parts += [f"{row}.{q(name)} AS {q('g_' + name)}" for name in self.group]
        parts += [
            f"{self.expression(sql, vendor, row)} AS {q('s_' + name)}"
            for name, sql in self.sums.items()
        ]
        parts += [
            f"{self.expression(sql, vendor, row)} AS {q('k_' + name)}"
            for name, sql in self.keys.items()
        ]
        select = "SELECT " + ", ".join(parts)
        if source:
            select += f" FROM {source} {row}"
        if where:
            select += f" WHERE {where}"
        return select

    def cells_sql(self, vendor, selects, dims=None):
        """The cells of the rows of ``selects`` (``row_select``s), signed and summed; cells
        whose every sum is 0 are left out. Columns: ``columns()``."""
        dims = list(dims if dims is not None else self.dims)
        dim_rows = " UNION ALL ".join(f"SELECT {literal(name)} AS dim" for name in dims)
        key_cases = " ".join(f"WHEN {literal(name)} THEN {self.key_sql(name)}" for name in dims)
        out = ["d.dim AS dim"]
        for name in self.group:
            value = f"s.{q('g_' + name)}"
            if name == self.all_of:
                value = f"CASE WHEN a.all_copy = 1 THEN 0 ELSE {value} END"
            out.append(f"{value} AS {q(name)}")
        out.append(f"CASE d.dim {key_cases} END AS {q('key')}")
        sums = [f"SUM(s.tally_sign * s.{q('s_' + name)})" for name in self.sums]
        out += [f"{sql} AS {q(name)}" for sql, name in zip(sums, self.sums, strict=True)]
        positions = ", ".join(str(n) for n in range(1, len(self.cell_columns()) + 1))
        # PostgreSQL: OFFSET 0 keeps the rows' subquery whole, so that each key (a
        # subquery, maybe) is computed once per row, not once per cell it lands in.
        fence = " OFFSET 0" if vendor == "postgresql" else ""
        return (
            f"SELECT {', '.join(out)} FROM ({' UNION ALL '.join(selects)}{fence}) s"
            f" CROSS JOIN ({dim_rows}) d"
            " CROSS JOIN (SELECT 0 AS all_copy UNION ALL SELECT 1) a"
            # A row whose own value is already 0 ("all of them") has its one cell there:
            # its copy would count it twice.
            f" WHERE a.all_copy = 0 OR s.{q('g_' + self.all_of)} <> 0"
            f" GROUP BY {positions}"
            f" HAVING {' OR '.join(f'{sql} <> 0' for sql in sums)}"
        )

    def key_sql(self, dim):
        names = self.dims[dim]
        if not names:
            return "''"
        return " || '|' || ".join(f"s.{q('k_' + name)}" for name in names)

    def upsert_sql(self, cells):
        """Add ``cells`` to the tally, in cell order (the lock order of every writer)."""
        columns = ", ".join(q(name) for name in self.columns())
        conflict = ", ".join(q(name) for name in self.cell_columns())
        order = ", ".join(str(n) for n in range(1, len(self.cell_columns()) + 1))
        sets = ", ".join(
            f"{q(name)} = {self.table}.{q(name)} + EXCLUDED.{q(name)}" for name in self.sums
        )
        return (
            f"INSERT INTO {self.table} ({columns}) SELECT {columns} FROM ({cells}) c"
            f" WHERE true ORDER BY {order} ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
        )

    def first_sum(self):
        return q(next(iter(self.sums)))

    # -- PostgreSQL ---------------------------------------------------------------------

    def name(self, what):
        return f"{self.table}_{what}"

    def postgresql_install(self):
        statements = []
        tables = {
            "insert": [(1, "tally_new")],
            "update": [(1, "tally_new"), (-1, "tally_old")],
            "delete": [(-1, "tally_old")],
        }
        referencing = {
            "insert": "REFERENCING NEW TABLE AS tally_new",
            "update": "REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new",
            "delete": "REFERENCING OLD TABLE AS tally_old",
        }
        for event, sources in tables.items():
            selects = [self.row_select("postgresql", sign, "r", source) for sign, source in sources]
            function = self.name(event)
            statements.append(
                plpgsql(
                    function,
                    f"""DECLARE zero bigint[];
BEGIN
  WITH up AS ({self.upsert_sql(self.cells_sql("postgresql", selects))}
    RETURNING {self.table}.id, {self.table}.{self.first_sum()})
  SELECT array_agg(id) INTO zero FROM up WHERE {self.first_sum()} = 0;
  IF zero IS NOT NULL THEN
    DELETE FROM {self.table} WHERE id = ANY(zero) AND {self.first_sum()} = 0;
  END IF;
  RETURN NULL;
END;""",
                )
            )
            statements.append(
                f"CREATE TRIGGER {function} AFTER {event.upper()} ON {self.source}"
                f" {referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        function = self.name("truncate")
        statements.append(plpgsql(function, f"BEGIN DELETE FROM {self.table}; RETURN NULL; END;"))
        statements.append(
            f"CREATE TRIGGER {function} AFTER TRUNCATE ON {self.source}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        for dependency in self.depends_on:
            statements += self.postgresql_dependency(dependency)
        return statements

    def postgresql_dependency(self, dependency):
        """A statement trigger on the table a key reads: rebuild the dims using the key
        when one of the columns changed."""
        function = self.name(f"{dependency.table}_update")
        changed = " OR ".join(f"o.{q(c)} IS DISTINCT FROM n.{q(c)}" for c in dependency.columns)
        where = stored_where = ""
        if dependency.scope:
            column = q(dependency.scope)
            groups = (
                f"(SELECT n.{column} FROM tally_new n UNION SELECT o.{column} FROM tally_old o)"
            )
            where, stored_where = f"r.{column} IN {groups}", f"{column} IN {groups}"
        dims = self.dims_of(dependency)
        rebuild = ";\n    ".join(self.rebuild_sql("postgresql", where, stored_where, dims))
        body = f"""BEGIN
  IF EXISTS (SELECT 1 FROM tally_old o JOIN tally_new n USING ({q(dependency.pk)})
             WHERE {changed}) THEN
    LOCK TABLE {self.source} IN SHARE MODE;
    {rebuild};
  END IF;
  RETURN NULL;
END;"""
        return [
            plpgsql(function, body),
            f"CREATE TRIGGER {function} AFTER UPDATE ON {dependency.table}"
            " REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]

    def postgresql_uninstall(self):
        statements = []
        events = ["insert", "update", "delete", "truncate"]
        for event in events:
            statements.append(f"DROP TRIGGER IF EXISTS {self.name(event)} ON {self.source}")
            statements.append(f"DROP FUNCTION IF EXISTS {self.name(event)}()")
        for dependency in self.depends_on:
            function = self.name(f"{dependency.table}_update")
            statements.append(f"DROP TRIGGER IF EXISTS {function} ON {dependency.table}")
            statements.append(f"DROP FUNCTION IF EXISTS {function}()")
        return statements

    # -- SQLite -------------------------------------------------------------------------

    def sqlite_install(self):
        statements = []
        changed = " OR ".join(f"OLD.{q(c)} IS NOT NEW.{q(c)}" for c in self.read_columns)
        events = {
            "insert": ("AFTER INSERT", [(1, "NEW")], None),
            "update": (
                f"AFTER UPDATE OF {', '.join(q(c) for c in self.read_columns)}",
                [(1, "NEW"), (-1, "OLD")],
                changed,
            ),
            "delete": ("AFTER DELETE", [(-1, "OLD")], None),
        }
        for event, (when, rows, condition) in events.items():
            selects = [self.row_select("sqlite", sign, row) for sign, row in rows]
            body = [self.upsert_sql(self.cells_sql("sqlite", selects))]
            if any(sign < 0 for sign, _row in rows):
                body.append(self.sqlite_zero_delete())
            statements.append(
                f"CREATE TRIGGER {self.name(event)} {when} ON {self.source} FOR EACH ROW"
                + (f" WHEN {condition}" if condition else "")
                + " BEGIN "
                + "; ".join(body)
                + "; END"
            )
        for dependency in self.depends_on:
            name = self.name(f"{dependency.table}_update")
            changed = " OR ".join(f"OLD.{q(c)} IS NOT NEW.{q(c)}" for c in dependency.columns)
            columns = ", ".join(q(c) for c in dependency.columns)
            rebuild = "; ".join(self.rebuild_sql("sqlite", dims=self.dims_of(dependency)))
            statements.append(
                f"CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {dependency.table}"
                f" FOR EACH ROW WHEN {changed} BEGIN {rebuild}; END"
            )
        return statements

    def sqlite_zero_delete(self):
        """The old row's cells that reached zero (the row's group, its 0 copy included)."""
        where = [f"{self.first_sum()} = 0"]
        for name in self.group:
            if name == self.all_of:
                where.append(f"{q(name)} IN (OLD.{q(name)}, 0)")
            else:
                where.append(f"{q(name)} = OLD.{q(name)}")
        return f"DELETE FROM {self.table} WHERE {' AND '.join(where)}"

    def sqlite_uninstall(self):
        names = ["insert", "update", "delete"]
        names += [f"{dependency.table}_update" for dependency in self.depends_on]
        return [f"DROP TRIGGER IF EXISTS {self.name(name)}" for name in names]

    # -- both ---------------------------------------------------------------------------

    def dims_of(self, dependency):
        return [dim for dim, keys in self.dims.items() if set(keys) & set(dependency.keys)]

    def install_sql(self, vendor):
        if vendor == "postgresql":
            return self.postgresql_install()
        return self.sqlite_install()

    def uninstall_sql(self, vendor):
        if vendor == "postgresql":
            return self.postgresql_uninstall()
        return self.sqlite_uninstall()

    def expected_sql(self, vendor, where="", dims=None):
        """The cells as the source rows make them now (``where``: over the source row r)."""
        select = self.row_select(vendor, 1, "r", self.source, where)
        return self.cells_sql(vendor, [select], dims)

    def rebuild_sql(self, vendor, where="", stored_where="", dims=None):
        """Statements that replace the stored cells (of ``dims``, matching ``stored_where``)
        by those of the source rows (matching ``where``)."""
        conditions = []
        if dims is not None:
            conditions.append(f"dim IN ({', '.join(literal(d) for d in dims)})")
        if stored_where:
            conditions.append(stored_where)
        delete = f"DELETE FROM {self.table}"
        if conditions:
            delete += " WHERE " + " AND ".join(conditions)
        columns = ", ".join(q(name) for name in self.columns())
        insert = (
            f"INSERT INTO {self.table} ({columns}) SELECT {columns}"
            f" FROM ({self.expected_sql(vendor, where, dims)}) c"
        )
        return [delete, insert]


def q(name):
    return f'"{name}"'


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def plpgsql(name, body):
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $tally$\n"
        f"{body}\n$tally$"
    )


def differences(cursor, tally, vendor, scope=None):
    """The cells where the stored tally differs from the source rows: a list of
    ``(cell, expected sums, stored sums)``, a missing side as None. ``scope``: group
    column -> value, to check one part (e.g. one tenant)."""
    scope = scope or {}
    where = " AND ".join(f"r.{q(name)} = %s" for name in scope)
    stored_where = " AND ".join(f"{q(name)} = %s" for name in scope)
    params = list(scope.values())
    cells = len(tally.cell_columns())
    if vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '256MB'")  # see rebuild
    cursor.execute(tally.expected_sql(vendor, where), params)
    # Sums as int: PostgreSQL sums bigints to numeric.
    expected = {tuple(row[:cells]): tuple(map(int, row[cells:])) for row in cursor.fetchall()}
    columns = ", ".join(q(name) for name in tally.columns())
    cursor.execute(
        f"SELECT {columns} FROM {tally.table}" + (f" WHERE {stored_where}" if stored_where else ""),
        params,
    )
    stored = {tuple(row[:cells]): tuple(row[cells:]) for row in cursor.fetchall()}
    found = []
    for cell in sorted(set(expected) | set(stored), key=repr):
        want, have = expected.get(cell), stored.get(cell)
        if want != have:
            found.append((cell, want, have))
    return found


def rebuild(cursor, tally, vendor, scope=None):
    """Replace the stored cells (of ``scope``) by the source rows' own, writers held off."""
    scope = scope or {}
    where = " AND ".join(f"r.{q(name)} = %s" for name in scope)
    stored_where = " AND ".join(f"{q(name)} = %s" for name in scope)
    params = list(scope.values())
    if vendor == "postgresql":
        cursor.execute(f"LOCK TABLE {tally.source} IN SHARE MODE")
        # Hash the cells in memory (~20 rows per source row) rather than sort on disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
    delete, insert = tally.rebuild_sql(vendor, where, stored_where)
    cursor.execute(delete, params)
    cursor.execute(insert, params)
