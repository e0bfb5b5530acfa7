"""PostgreSQL clusters of a test's own: initdb into a temporary folder, on a free port, trust
auth on loopback, and hot standbys of them made with pg_basebackup.

The fault tests stop and start them for real and the province stack test pauses a standby's
replay; the shared cluster is never touched. When the tests run as root, the server runs as
the postgres OS user (it refuses to run as root).
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from .stack import free_port

PG_BIN_CANDIDATES = [Path("/usr/lib/postgresql/15/bin")]


def pg_bin():
    """The folder holding initdb and pg_ctl, or None."""
    folders = [*PG_BIN_CANDIDATES, *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        folders.append(Path(found.stdout.strip()))
    return next((f for f in folders if (f / "initdb").exists() and (f / "pg_ctl").exists()), None)


requires_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"] or pg_bin() is None,
    reason="needs PostgreSQL and its server binaries (DATABASE_URL=postgres://…; CI sets it)",
)


class PrivateCluster:
    """A PostgreSQL cluster in a temporary folder. ``init()`` makes a primary with the
    database ``tracker``; ``replica_of(primary)`` a streaming hot standby of one."""

    def __init__(self, prefix="tracker-fault-pg-"):
        self.bin = pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/tracker"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")

    def run(self, tool, *args, timeout=60):
        argv = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=timeout)

    def init(self):
        # initdb's trust pg_hba admits local replication connections too, and wal_level is
        # "replica" by default: a standby can be made of this cluster as it is.
        self.run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "tracker")

    @classmethod
    def replica_of(cls, primary, prefix="tracker-replica-pg-"):
        """A hot standby of ``primary``, streaming from it, started on its own free port.
        ``-R`` writes standby.signal and primary_conninfo; ``-X stream`` copies the WAL the
        backup needs alongside it."""
        replica = cls(prefix=prefix)
        replica.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(replica.data), "-R", "-X", "stream", "--checkpoint=fast",
            timeout=300,
        )  # fmt: skip
        replica.start()
        return replica

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options,
                 "-w", "start")  # fmt: skip

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def query(self, sql, params=None, dbname="tracker"):
        """One statement in autocommit; its rows (empty for a statement that returns none)."""
        conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def log(self):
        path = self.root / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
