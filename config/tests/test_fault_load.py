"""Load while failing (bench/fault_load.py, shortened): 4 clients of mixed reads and report
writes against gunicorn while its own Redis is stopped and started again: no 5xx, no lost
write. PostgreSQL only (SQLite is not the production database, nor built for concurrent
writers); the run uses a database of its own, dropped afterwards."""

from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings

from bench import fault_load

pytestmark = pytest.mark.skipif(
    "postgres" not in settings.DATABASES["default"]["ENGINE"],
    reason="the load run needs PostgreSQL (DATABASE_URL; CI sets it)",
)

NAME = "tracker_fault_load"


@pytest.fixture
def database_url():
    database = settings.DATABASES["default"]
    login = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    admin_url = f"postgres://{login}@{database['HOST']}:{database['PORT'] or 5432}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {NAME}")
    yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{NAME}"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


def test_no_5xx_and_no_lost_write_while_redis_stops_and_starts(database_url, capsys):
    status = fault_load.main(
        ["--database-url", database_url, "--duration", "17", "--stop-at", "3", "--outage", "9"]
    )
    figures = capsys.readouterr().out
    assert status == 0, figures
    assert "5xx: 0\n" in figures and "lost_writes: 0\n" in figures
    assert "report_counts_match: True" in figures
