"""The backup procedure of docs/deployment.md, run as written: dump, restore, compare.

The commands are read from the document (never copied here), so the documented procedure
and the tested one cannot drift apart. Only what docker compose supplies changes: the
``docker compose exec -T postgres`` prefix goes, the server's address and user are added,
and the database names become scratch ones on the shared test server.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT = ROOT / "docs" / "deployment.md"
PREFIX = "docker compose exec -T postgres "

requires_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the backup procedure is PostgreSQL's (DATABASE_URL=postgres://…; CI sets it)",
)


def tool(name):
    """The PostgreSQL 15 client (the server's version) when installed, else PATH's."""
    versioned = Path("/usr/lib/postgresql/15/bin") / name
    return str(versioned) if versioned.exists() else shutil.which(name)


def documented_commands():
    """The backup command and the restore commands of "Backup and restore", in order."""
    section = DEPLOYMENT.read_text().split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    commands = []
    for block in blocks:
        text = block.replace("\\\n", " ")
        commands += [line.strip() for line in text.splitlines() if line.startswith(PREFIX)]
    return commands


def adapted(command, *, database, dump):
    """``command`` against the test server: (argv, stdin path, stdout path)."""
    db = settings.DATABASES["default"]
    words = shlex.split(command[len(PREFIX) :])
    stdin = stdout = None
    if "<" in words:
        stdin = dump
        words = words[: words.index("<")]
    if ">" in words:
        stdout = dump
        words = words[: words.index(">")]
    argv = [tool(words[0])]
    words = words[1:]
    while words:
        word = words.pop(0)
        if word == "-U":
            argv += ["-U", db["USER"], "-h", db["HOST"], "-p", str(db["PORT"])]
            words.pop(0)
        elif word == "-d":
            argv += ["-d", database]
            words.pop(0)
        elif word == "tracker":  # dropdb/createdb name the database
            argv.append(database)
        else:
            argv.append(word)
    return argv, stdin, stdout


def run(argv, *, stdin=None, stdout=None):
    with open(stdin or os.devnull, "rb") as given, open(stdout or os.devnull, "wb") as taken:
        done = subprocess.run(
            argv, stdin=given, stdout=taken, stderr=subprocess.PIPE, text=False, timeout=120
        )
    assert done.returncode == 0, (argv, done.stderr.decode(errors="replace"))


def manage(database, *args):
    db = settings.DATABASES["default"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRACKER_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}",
        "REDIS_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def fingerprint(database):
    """{table: (rows, md5 of its rows in order)} for every table in the database."""
    import psycopg

    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname={database}"
    with psycopg.connect(dsn) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: tuple(
                connection.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                    f"ORDER BY t::text), '')) FROM \"{table}\" t"
                ).fetchone()
            )
            for table in tables
        }


@pytest.fixture
def scratch():
    import psycopg

    db = settings.DATABASES["default"]
    names = [f"{db['NAME']}_backup_source", f"{db['NAME']}_backup_restored"]
    admin = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname=postgres"

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in names:  # the restored one too: a fresh stack's empty database
            connection.execute(f'CREATE DATABASE "{name}"')
    yield names
    drop()


RECORD_HISTORY = """
import datetime
from notifications import dispatch
from projects.models import Project
from projects.services import record_project_update
project = Project.objects.order_by("pk").first()
record_project_update(project=project, reported_on=datetime.date.today(), stage=project.stage,
    funds_in_place=project.funds_in_place, note="backup test")
dispatch.queue(kind="reminder", subject_key="backup-test", recipients=["a@example.gov.cn"],
    period=datetime.date.today(), subject="backup test", body_text="once")
"""


@requires_postgres
@pytest.mark.skipif(tool("pg_dump") is None, reason="needs pg_dump and pg_restore")
def test_the_documented_backup_restores_identical_data(scratch, tmp_path):
    source, restored = scratch
    manage(source, "migrate", "--no-input", "-v0")
    manage(source, "seed", "--demo")
    manage(source, "shell", "-c", RECORD_HISTORY)
    before = fingerprint(source)
    for table in ("projects_projectupdate", "projects_historicalproject", "tracker_dispatch"):
        assert before[table][0] > 0, table  # history and the dispatch log are not empty

    backup, *restore = documented_commands()
    assert backup[len(PREFIX) :].startswith("pg_dump") and len(restore) == 3
    dump = tmp_path / "tracker.dump"
    started = time.monotonic()
    argv, stdin, stdout = adapted(backup, database=source, dump=dump)
    run(argv, stdin=stdin, stdout=stdout)
    dumped = time.monotonic() - started
    started = time.monotonic()
    for command in restore:
        argv, stdin, stdout = adapted(command, database=restored, dump=dump)
        run(argv, stdin=stdin, stdout=stdout)
    restored_in = time.monotonic() - started
    # `docker compose up -d` then runs the migrate service: migrations and reference data.
    manage(restored, "migrate", "--no-input", "-v0")
    manage(restored, "seed")
    print(
        f"\ndump {dump.stat().st_size / 1024:.0f} KiB in {dumped:.2f} s, "
        f"restore in {restored_in:.2f} s, {len(before)} tables, "
        f"{sum(rows for rows, _md5 in before.values())} rows"
    )

    assert fingerprint(restored) == before
    manage(restored, "seed", "--demo")
    assert fingerprint(restored) == before
