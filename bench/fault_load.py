"""Load while failing: the production web process under mixed reads and report writes from
4 clients while its Redis is stopped and started again. Loopback only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fault .venv/bin/python bench/fault_load.py

It starts its own redis-server on a spare port and gunicorn with the production settings
(through the stack test's harness), migrates and seeds the database (demo data; the database
must be disposable), then runs the clients for ``--duration`` seconds, stopping Redis at
``--stop-at`` for ``--outage`` seconds. It prints the requests, the 5xx and the 201s, and
checks that every report answered 201 is in the database and that each project's report
count grew by exactly its 201s. Exits 1 when a 5xx was seen or a write was lost.
"""

import argparse
import collections
import datetime
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import requests  # noqa: E402

from config.tests.stack import NativeStack, free_port, manage  # noqa: E402

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
USER = "demo-supervisor"  # seeded by `seed --demo`


class RedisServer:
    """A redis-server of our own on a fixed loopback port, which keeps nothing on disk:
    stopping it really stops it, and starting it again gives an empty Redis, as a restart
    without persistence does."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self, timeout=10):
        no_disk = ["--save", "", "--appendonly", "no", "--dir", tempfile.gettempdir()]
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", *no_disk],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    client.ping()
                    return self
                except redis.ConnectionError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def pause(self):
        """A hung Redis: it accepts connections (the kernel does) but never answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)


PICK_PROJECTS = """
import json
from projects.models import Project
rows = []
for p in Project.objects.order_by("pk")[:{count}]:
    latest = p.updates.order_by("-reported_on").values_list("reported_on", flat=True).first()
    rows.append([p.pk, p.stage, str(p.funds_in_place), str(latest or "2020-01-01")])
print(json.dumps(rows))
"""


def prepare(stack, clients):
    """Migrate, seed, a read-write token and one project per client: (token, projects)."""
    manage(stack, "migrate", "--no-input", "-v0")
    manage(stack, "seed", "--demo")
    token = manage(
        stack, "create_api_token", "--user", USER, "--scope", "read_write", "--name", "fault load"
    )
    printed = manage(stack, "shell", "-c", PICK_PROJECTS.format(count=clients))
    projects = json.loads(printed.strip().splitlines()[-1])
    return token.strip().split()[-1], projects


def report_counts(database_url, project_ids):
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT project_id, count(*) FROM projects_projectupdate "
            "WHERE project_id = ANY(%s) GROUP BY project_id",
            [project_ids],
        ).fetchall()
    return {pk: 0 for pk in project_ids} | dict(rows)


def stored(database_url, update_ids):
    with psycopg.connect(database_url, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM projects_projectupdate WHERE id = ANY(%s)", [update_ids]
        ).fetchone()[0]


class Client(threading.Thread):
    """Mixed reads and report writes on its own project, until ``stop`` is set."""

    def __init__(self, base_url, token, project, stop, seed):
        super().__init__(daemon=True)
        self.base_url, self.stop = base_url, stop
        self.project_id, self.stage, self.funds, latest = project
        self.day = datetime.date.fromisoformat(latest)
        self.today = datetime.date.today()
        self.random = random.Random(seed)
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"}
        )
        self.statuses = collections.Counter()
        self.created = []  # ids of the reports answered 201
        self.slowest = 0.0
        self.errors = []

    def reads(self):
        return [
            "/api/v1/projects/?page_size=20",
            f"/api/v1/projects/{self.project_id}/",
            f"/api/v1/projects/{self.project_id}/updates/",
            "/api/v1/stats/projects/?group_by=stage",
            "/api/v1/tasks/?page_size=20",
        ]

    def write(self):
        # Increasing dates, never after today (a report may share the latest one's date).
        self.day = min(self.day + datetime.timedelta(days=1), self.today)
        body = {
            "reported_on": self.day.isoformat(),
            "stage": self.stage,
            "funds_in_place": self.funds,
            "note": "负载测试",
        }
        return self.session.post(
            f"{self.base_url}/api/v1/projects/{self.project_id}/updates/", json=body, timeout=30
        )

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                if self.random.random() < 0.3:
                    response = self.write()
                    if response.status_code == 201:
                        self.created.append(response.json()["id"])
                else:
                    path = self.random.choice(self.reads())
                    response = self.session.get(self.base_url + path, timeout=30)
            except requests.RequestException as error:
                self.errors.append(repr(error))
                self.statuses["error"] += 1
                continue
            self.slowest = max(self.slowest, time.monotonic() - started)
            self.statuses[str(response.status_code)] += 1
            if response.status_code >= 500 and len(self.errors) < 5:
                self.errors.append(f"{response.status_code} {response.text[:300]}")


def run(args):
    redis_server = RedisServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="tracker-fault-"))
    stack = NativeStack(
        workdir, database_url=args.database_url, redis_url=redis_server.url, smtp_port=free_port()
    )
    stack.env["WEB_CONCURRENCY"] = str(args.workers)
    stack.env["LOG_LEVEL"] = "WARNING"
    # The rate limit is consulted on every request (so Redis is), without limiting the run.
    stack.env["API_TOKEN_RATE"] = "1000000/minute"
    try:
        token, projects = prepare(stack, args.clients)
        stack.build()
        stack.start("web")
        stack.wait_until(lambda: _answers(stack), timeout=60, what="gunicorn")
        ids = [p[0] for p in projects]
        before = report_counts(args.database_url, ids)
        stop = threading.Event()
        clients = [
            Client(stack.base_url, token, project, stop, seed)
            for seed, project in enumerate(projects)
        ]
        started = time.monotonic()
        for client in clients:
            client.start()
        time.sleep(args.stop_at)
        redis_server.stop()
        stopped_at = time.monotonic() - started
        time.sleep(args.outage)
        redis_server.start()
        restarted_at = time.monotonic() - started
        time.sleep(max(0.0, args.duration - (time.monotonic() - started)))
        stop.set()
        for client in clients:
            client.join(timeout=60)
        elapsed = time.monotonic() - started
        warnings = stack.log("web").count("cache unavailable, failing open")
    finally:
        stack.stop()
        redis_server.stop()
        stack.cleanup()
    after = report_counts(args.database_url, ids)
    created = [pk for client in clients for pk in client.created]
    statuses = sum((client.statuses for client in clients), collections.Counter())
    figures = {
        "seconds": round(elapsed, 1),
        "redis_stopped_at": round(stopped_at, 1),
        "redis_started_at": round(restarted_at, 1),
        "clients": len(clients),
        "gunicorn_workers": args.workers,
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(n for status, n in statuses.items() if status.startswith("5")),
        "connection_errors": statuses.get("error", 0),
        "201": statuses.get("201", 0),
        "201_in_database": stored(args.database_url, created) if created else 0,
        "report_counts_match": all(
            after[client.project_id] - before[client.project_id] == len(client.created)
            for client in clients
        ),
        "slowest_request_s": round(max(client.slowest for client in clients), 2),
        "cache_warning_lines": warnings,
        "errors": [error for client in clients for error in client.errors][:5],
    }
    figures["lost_writes"] = figures["201"] - figures["201_in_database"]
    return figures


def _answers(stack):
    try:
        return requests.get(stack.base_url + "/healthz?only=database", timeout=5).ok
    except requests.ConnectionError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--duration", type=float, default=25, help="seconds of load in all")
    parser.add_argument("--stop-at", type=float, default=5, help="stop Redis after (s)")
    parser.add_argument("--outage", type=float, default=10, help="start it again after (s)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a disposable PostgreSQL database.")
    figures = run(args)
    for name, value in figures.items():
        print(f"{name}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    failed = figures["5xx"] or figures["lost_writes"] or not figures["report_counts_match"]
    return 1 if failed or figures["connection_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
