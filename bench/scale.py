"""The bench's scales: how much load data, and which database holds it.

    make bench-data SCALE=1m     # fills tracker_bench_1m (created when missing)
    make bench SCALE=1m          # measures it

Each scale keeps its own database, so that a 100k run does not have to reload a million
projects afterwards. The Makefile asks this module for the database's URL:

    .venv/bin/python -m bench.scale 1m --database-url
    .venv/bin/python -m bench.scale 1m --create-database URL

No Django here: the Makefile runs it before any settings exist for the database.
"""

import argparse
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Scale:
    name: str
    projects: int
    updates_per_project: int
    tasks: int
    database: str


SCALES = {
    "100k": Scale("100k", 100_000, 10, 10_000, "tracker_bench"),
    "1m": Scale("1m", 1_000_000, 10, 100_000, "tracker_bench_1m"),
}
DEFAULT = "100k"
SERVER = "postgres://postgres@127.0.0.1:5432"


class UnknownScale(ValueError):
    def __init__(self, name):
        super().__init__(f"Unknown scale {name!r}: choose one of {', '.join(SCALES)}.")


def scale(name):
    try:
        return SCALES[name.lower()]
    except KeyError:
        raise UnknownScale(name) from None


def database_url(name, server=SERVER):
    return f"{server.rstrip('/')}/{scale(name).database}"


def create_database(url):
    """Create the database of ``url`` on its server when it does not exist; True if made."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scale", help=f"one of {', '.join(SCALES)}")
    parser.add_argument("--database-url", action="store_true", help="print its database URL")
    parser.add_argument("--create-database", metavar="URL", help="create URL's database")
    args = parser.parse_args(argv)
    try:
        chosen = scale(args.scale)
    except UnknownScale as error:
        parser.error(str(error))
    if args.database_url:
        print(database_url(chosen.name))
    if args.create_database and create_database(args.create_database):
        print(f"Created the database of {args.create_database}.", file=sys.stderr)


if __name__ == "__main__":
    main()
