"""Past one machine, for real: a streaming replica with read-your-writes, and PgBouncer in
transaction mode (docs/scaling.md, docs/deployment.md).

One world for the module: a private primary cluster (config/tests/pg_cluster.py), migrated
and seeded with the demo once, a hot standby of it made with pg_basebackup, and the compose
file's gunicorn command with the production settings of .env.example reading statistics
from the standby (core.replica, core.db_router). The test pauses and resumes the standby's
replay, and stops it, to see each user read what they must: their own writes at once,
others' within the max lag, the admin always the primary. Then the same web process runs
through a PgBouncer of its own (Debian's pgbouncer, pool_mode = transaction, two server
connections) under concurrent reads, writes and exports, and the reminders run through it.
"""

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings

from .pg_cluster import PrivateCluster, requires_postgres
from .stack import MailCatcher, NativeStack, browser, free_port, manage

requires_redis = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="read-your-writes keeps each writer's WAL position in Redis (REDIS_URL)",
)

MAX_LAG = 4  # TRACKER_REPLICA_MAX_LAG of the world, seconds
DEMO_PASSWORD = "demo-2023-Dezhou"
WRITER, READER = "demo-supervisor", "demo-commerce"

SETUP = """
import json
from django.contrib.auth import get_user_model
from projects.models import Project
from tracker.services import create_api_token
users = get_user_model().objects
NAMES = ("demo-supervisor", "demo-commerce")  # WRITER, READER
keys = {name: create_api_token(name="province " + name, user=users.get(username=name),
                               scope="read_write")[1] for name in NAMES}
city = Project.objects.filter(tenant_id="371400")
leads = list(city.filter(stage="lead").order_by("pk").values_list("pk", flat=True)[:4])
steady = [[p.pk, p.stage, str(p.funds_in_place)]
          for p in city.exclude(stage="dropped").order_by("-pk")[:6]]
print(json.dumps({"keys": keys, "leads": leads, "steady": steady}))
"""


def today():
    """The tracker's today (Asia/Shanghai): a report may not be dated later."""
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()


class World:
    def __init__(self, stack, primary, replica, keys, leads, steady):
        self.stack, self.primary, self.replica = stack, primary, replica
        self.leads, self.steady = list(leads), steady
        self.api = {}
        for name, key in keys.items():
            session = requests.Session()
            session.headers.update({"Authorization": f"Bearer {key}", "X-Forwarded-Proto": "https"})
            self.api[name] = session
        self.writes = Counter()  # status of every write of the module

    def get(self, user, path, **params):
        response = self.api[user].get(self.stack.base_url + path, params=params, timeout=30)
        assert response.status_code == 200, (user, path, response.status_code, response.text[:300])
        return response

    def negotiating(self, user):
        """How many projects the user's statistics count as negotiating."""
        groups = self.get(user, "/api/v1/stats/projects/", group_by="stage").json()["groups"]
        return next((g["projects"] for g in groups if g["key"] == "negotiating"), 0)

    def report(self, user, project, stage, funds="0"):
        response = self.api[user].post(
            self.stack.base_url + f"/api/v1/projects/{project}/updates/",
            json={
                "reported_on": today().isoformat(),
                "stage": stage,
                "funds_in_place": funds,
                "note": "省级部署测试",
            },
            timeout=30,
        )
        self.writes[response.status_code] += 1
        assert response.status_code == 201, response.text[:500]
        return response.json()

    def advance_a_lead(self, user=WRITER):
        """A lead moved to negotiating: one more in the negotiating figure."""
        project = self.leads.pop(0)
        self.report(user, project, "negotiating")
        return project

    def caught_up(self):
        """Waits until the standby has replayed everything the primary has written."""
        (target,) = self.primary.query("SELECT pg_current_wal_lsn()")[0]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.replica.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])[0][0]:
                return
            time.sleep(0.05)
        raise AssertionError("the standby did not catch up")

    def pause_replay(self):
        """A fresh commit replayed, then replay paused: the standby's lag starts now."""
        self.primary.query("CREATE TABLE IF NOT EXISTS province_tick (at timestamptz)")
        self.primary.query("INSERT INTO province_tick VALUES (now())")
        self.caught_up()
        self.replica.query("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while self.replica.query("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
            assert time.monotonic() < deadline, "replay did not pause"
            time.sleep(0.05)

    def resume_replay(self):
        self.replica.query("SELECT pg_wal_replay_resume()")
        self.caught_up()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from aiosmtpd.controller import Controller

    primary = PrivateCluster(prefix="tracker-province-pg-")
    replica = None
    mail = MailCatcher()
    smtp_port = free_port()
    controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    stack = NativeStack(
        tmp_path_factory.mktemp("province"),
        database_url=primary.url,
        redis_url=settings.REDIS_URL,
        smtp_port=smtp_port,
    )
    stack.mail = mail
    try:
        primary.init()
        # What the "options" startup parameter did, on the role (docs/deployment.md): the
        # standby copies it, and PgBouncer in transaction mode needs it there.
        primary.query("ALTER ROLE postgres SET jit = off")
        primary.query("ALTER ROLE postgres SET timezone = 'UTC'")
        controller.start()
        build = threading.Thread(target=stack.build)  # static files, meanwhile
        build.start()
        stack.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], "migrate")
        stack.run([sys.executable, "manage.py", "seed", "--demo"], "seed")
        setup = json.loads(manage(stack, "shell", "-c", SETUP).strip().splitlines()[-1])
        replica = PrivateCluster.replica_of(primary)
        build.join()
        stack.env.update(
            {
                "DATABASE_REPLICA_URL": replica.url,
                "TRACKER_REPLICA_MAX_LAG": str(MAX_LAG),
                "TRACKER_REPLICA_READS": "stats",
            }
        )
        stack.start("web")
        stack.wait_until(
            lambda: up(stack.base_url + "/healthz?only=database"), timeout=60, what="the web"
        )
        yield World(stack, primary, replica, **setup)
    finally:
        stack.stop()
        controller.stop()
        stack.cleanup()
        if replica is not None:
            replica.destroy()
        primary.destroy()


def up(url):
    try:
        return requests.get(url, headers={"X-Forwarded-Proto": "https"}, timeout=5).ok
    except requests.RequestException:  # not listening yet, or still starting
        return False


def admin_session(world, username):
    session = browser(world.stack)
    base = world.stack.base_url
    session.get(base + "/admin/login/", timeout=10)
    response = session.post(
        base + "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": username,
            "password": DEMO_PASSWORD,
            "next": "/admin/",
        },
        timeout=10,
    )
    assert response.status_code == 200 and "sessionid" in session.cookies
    return session


def admin_report_stage(session, world, project):
    """The stage the admin's report page starts from: the project's stage as it reads it."""
    page = session.get(
        world.stack.base_url + f"/admin/projects/project/{project}/report/", timeout=15
    )
    assert page.status_code == 200, page.status_code
    stages = [s for s in ("lead", "negotiating") if f'<option value="{s}" selected>' in page.text]
    assert len(stages) == 1, page.text[:2000]
    return stages[0]


@requires_postgres
@requires_redis
def test_a_writer_reads_their_write_at_once_and_others_within_the_lag(world):
    before = world.negotiating(READER)
    assert world.negotiating(WRITER) == before

    world.pause_replay()
    world.advance_a_lead()
    # The writer's statistics come from the primary: the standby has not replayed the write.
    assert world.negotiating(WRITER) == before + 1
    # Another user's come from the standby, as it was: within the lag, never inconsistent.
    assert world.negotiating(READER) == before

    world.resume_replay()
    assert world.negotiating(READER) == before + 1


@requires_postgres
@requires_redis
def test_the_admin_after_a_save_shows_the_change(world):
    """The admin always reads the primary; its writes count as the user's own."""
    before = world.negotiating(READER)
    admin = admin_session(world, WRITER)
    project = world.leads.pop(0)
    base = world.stack.base_url + f"/admin/projects/project/{project}/report/"
    world.pause_replay()
    form = admin.get(base, timeout=15)
    assert form.status_code == 200
    saved = admin.post(
        base,
        data={
            "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            "reported_on": today().isoformat(),
            "stage": "negotiating",
            "funds_in_place": "0",
            "note": "管理后台记录",
        },
        headers={"Referer": base},
        timeout=15,
        allow_redirects=False,
    )
    world.writes[saved.status_code] += 1
    assert saved.status_code == 302, saved.text[:1000]
    assert admin_report_stage(admin, world, project) == "negotiating"
    assert world.negotiating(WRITER) == before + 1  # the same user, through the API
    assert world.negotiating(READER) == before  # another: the standby, as it was
    world.resume_replay()
    assert world.negotiating(READER) == before + 1


@requires_postgres
@requires_redis
def test_a_replica_beyond_the_max_lag_is_not_read(world):
    before = world.negotiating(READER)
    world.pause_replay()
    world.advance_a_lead()
    assert world.negotiating(READER) == before  # within the lag: the standby, as it was
    # Past the max lag (and the next lag check of every web process): the primary.
    time.sleep(MAX_LAG + min(5.0, MAX_LAG / 2) + 0.5)
    assert world.negotiating(READER) == before + 1
    assert "behind, reading the primary" in world.stack.log("web")
    world.resume_replay()
    assert world.negotiating(READER) == before + 1


@requires_postgres
@requires_redis
def test_a_stopped_replica_sends_every_read_to_the_primary(world):
    world.replica.stop()
    try:
        before = world.negotiating(READER)
        world.advance_a_lead()
        assert world.negotiating(READER) == before + 1
        assert world.negotiating(WRITER) == before + 1
        for path in ("/api/v1/stats/tasks/?group_by=department", "/api/v1/projects/"):
            world.get(READER, path)
        assert "read replica unavailable, reading the primary" in world.stack.log("web")
    finally:
        world.replica.start()


@requires_postgres
@requires_redis
def test_every_write_went_to_the_primary(world):
    """A write routed to the hot standby would fail ("read-only transaction")."""
    steady = world.steady[0]
    world.report(WRITER, steady[0], steady[1], steady[2])
    assert world.writes and set(world.writes) <= {201, 302}, world.writes
    log = world.stack.log("web")
    assert "read-only transaction" not in log
    assert "Traceback" not in log and "Internal Server Error" not in log


class Bouncer:
    """Debian's pgbouncer in front of a cluster, with an ini of its own: transaction
    pooling, two server connections, trust auth; run as the postgres user when root."""

    def __init__(self, cluster, pool_size=2):
        self.root = Path(tempfile.mkdtemp(prefix="tracker-pgbouncer-"))
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/tracker"
        (self.root / "users.txt").write_text('"postgres" ""\n')
        (self.root / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"tracker = host=127.0.0.1 port={cluster.port} dbname=tracker user=postgres\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir = {self.root}\n"
            f"auth_type = trust\nauth_file = {self.root / 'users.txt'}\n"
            "admin_users = postgres\n"
            f"pool_mode = transaction\ndefault_pool_size = {pool_size}\n"
            "max_client_conn = 200\n"
            f"logfile = {self.root / 'pgbouncer.log'}\n"
        )
        argv = [shutil.which("pgbouncer"), str(self.root / "pgbouncer.ini")]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            shutil.chown(self.root, "postgres")
            for path in self.root.iterdir():
                shutil.chown(path, "postgres")
            argv = ["runuser", "-u", "postgres", "--", *argv]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                self.pools()
                break
            except psycopg.OperationalError:
                assert time.monotonic() < deadline, self.log()
                time.sleep(0.1)

    def pools(self):
        """SHOW POOLS on the admin console, one dict per pool."""
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=pgbouncer",
            autocommit=True,
            cursor_factory=psycopg.ClientCursor,
            connect_timeout=5,
        ) as connection:
            cursor = connection.execute("SHOW POOLS")
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def log(self):
        path = self.root / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


# SHOW POOLS: server connections serving, idle, just released, being tested, logging in.
SERVER_STATES = ("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login")


class PoolWatch(threading.Thread):
    """Polls SHOW POOLS while the load runs: the most server and client connections seen."""

    def __init__(self, bouncer):
        super().__init__(daemon=True)
        self.bouncer, self.done = bouncer, threading.Event()
        self.servers = self.clients = self.waiting = 0
        self.errors = []

    def run(self):
        while not self.done.is_set():
            try:
                pools = [p for p in self.bouncer.pools() if p["database"] == "tracker"]
            except psycopg.Error as error:
                self.errors.append(repr(error))
                continue
            servers = sum(p[name] for p in pools for name in SERVER_STATES)
            self.servers = max(self.servers, servers)
            self.clients = max(self.clients, sum(p["cl_active"] + p["cl_waiting"] for p in pools))
            self.waiting = max(self.waiting, sum(p["cl_waiting"] for p in pools))
            time.sleep(0.02)


def load(world, user, project, stop, statuses, errors):
    """Reads and an export, and the writer's reports, until ``stop``."""
    session, base = world.api[user], world.stack.base_url
    pk, stage, funds = project
    paths = [
        "/api/v1/projects/?page_size=20",
        f"/api/v1/projects/{pk}/",
        "/api/v1/stats/projects/?group_by=stage",
        "/api/v1/stats/tasks/?group_by=department",
        "/api/v1/tasks/?page_size=20",
        "/api/v1/projects/?format=xlsx",
    ]
    step = 0
    while not stop.is_set():
        try:
            if step % 4 == 3 and user == WRITER:
                response = session.post(
                    base + f"/api/v1/projects/{pk}/updates/",
                    json={"reported_on": today().isoformat(), "stage": stage,
                          "funds_in_place": funds, "note": "连接池测试"},
                    timeout=60,
                )  # fmt: skip
            else:
                response = session.get(base + paths[step % len(paths)], timeout=60)
        except requests.RequestException as error:
            errors.append(repr(error))
            break
        statuses[(response.request.method, response.status_code)] += 1
        if response.status_code >= 300:
            errors.append(f"{response.request.url} {response.status_code} {response.text[:300]}")
        step += 1


@requires_postgres
@requires_redis
@pytest.mark.skipif(shutil.which("pgbouncer") is None, reason="needs Debian's pgbouncer")
def test_through_pgbouncer_in_transaction_mode_nothing_fails_on_two_connections(world):
    stack = world.stack
    bouncer = Bouncer(world.primary, pool_size=2)
    try:
        stack.kill("web")
        stack.env.pop("DATABASE_REPLICA_URL", None)
        stack.env.update(
            {"DATABASE_URL": bouncer.url, "DATABASE_POOL_MODE": "transaction",
             "WEB_CONCURRENCY": "4"}
        )  # fmt: skip
        stack.start("web")
        stack.wait_until(
            lambda: up(stack.base_url + "/healthz?only=database"), timeout=60, what="the web"
        )
        watch = PoolWatch(bouncer)
        watch.start()
        stop, statuses, errors = threading.Event(), Counter(), []
        users = [WRITER, READER] * 3
        clients = [
            threading.Thread(target=load, args=(world, user, project, stop, statuses, errors))
            for user, project in zip(users, world.steady, strict=True)
        ]
        for client in clients:
            client.start()
        time.sleep(5)
        stop.set()
        for client in clients:
            client.join(timeout=60)
        # The reminders run through the pooler too: planning in one transaction, delivery.
        output = manage(stack, "send_reminders", timeout=120)
        watch.done.set()
        watch.join(timeout=10)
    finally:
        stack.kill("web")
        pools_log = bouncer.log()
        bouncer.stop()

    assert not errors, errors[:5]
    assert statuses[("POST", 201)] >= 3 and statuses[("GET", 200)] >= 20, statuses
    assert "delivered" in output and "failed" not in output, output
    assert not watch.errors, watch.errors[:3]
    assert 0 < watch.servers <= 2, watch.servers
    assert watch.clients > 2  # more clients than server connections: they shared them
    log = stack.log("web")
    assert "Traceback" not in log and "Internal Server Error" not in log
    assert "unsupported startup parameter" not in pools_log
    print(
        f"\npgbouncer: {sum(statuses.values())} requests in 5 s "
        f"({dict(statuses)}), at most {watch.servers} server connections for "
        f"{watch.clients} clients, {watch.waiting} waiting at once; reminders: {output.strip()}"
    )


# The parts alone, on any database: which requests and models may read the replica.


@pytest.mark.parametrize(
    ("mode", "method", "path", "referer", "expected"),
    [
        ("stats", "GET", "/api/v1/stats/projects/", "", True),
        ("stats", "GET", "/api/v1/rankings/", "", True),
        ("stats", "GET", "/dashboard/", "", True),
        ("stats", "GET", "/api/v1/tasks/", "https://t.example/dashboard/", True),
        ("stats", "GET", "/api/v1/tasks/", "", False),
        ("stats", "POST", "/api/v1/stats/projects/", "", False),
        ("stats", "GET", "/admin/projects/project/", "https://t.example/dashboard/", False),
        ("api", "GET", "/api/v1/projects/", "", True),
        ("api", "HEAD", "/api/v1/projects/1/", "", True),
        ("api", "PATCH", "/api/v1/projects/1/", "", False),
        ("api", "GET", "/admin/projects/project/", "", False),
        ("api", "GET", "/m/", "", False),
        ("off", "GET", "/api/v1/stats/projects/", "", False),
        # A syncing client's keyset reads stay on the primary (the settle window does not
        # cover a replica's lag), in any mode.
        ("api", "GET", "/api/v1/projects/?ordering=updated_at", "", False),
        ("api", "GET", "/api/v1/projects/?updated_after=2026-01-01T00:00:00Z", "", False),
        ("api", "GET", "/api/v1/tasks/?after_id=5", "", False),
    ],
)
def test_which_requests_are_marked_for_the_replica(
    rf, settings, mode, method, path, referer, expected
):
    from core.replica import marked

    settings.TRACKER_REPLICA_READS = mode
    request = rf.generic(method, path, HTTP_REFERER=referer)
    assert marked(request) is expected


def test_the_router_reads_the_replica_for_ledger_models_only(monkeypatch):
    from django.apps import apps

    from core import replica
    from core.db_router import REPLICA_MODELS, ReplicaRouter

    router = ReplicaRouter()
    model = apps.get_model
    monkeypatch.setattr(replica, "reads_allowed", lambda: True)
    assert router.db_for_read(model("projects.Project")) == "replica"
    assert router.db_for_read(model("tracker.KeyTask")) == "replica"
    never = [
        "auth.User", "sessions.Session", "tracker.ApiToken", "tracker.Official",
        "axes.AccessAttempt", "projects.HistoricalProject", "notifications.Dispatch",
        "django_celery_beat.PeriodicTask", "admin.LogEntry",
        # What a province's or region's reach is read from (core.tenancy.reach_of).
        "regions.Tenant", "regions.Region",
    ]  # fmt: skip
    for label in never:
        assert router.db_for_read(model(label)) == "default", label
    assert "regions.region_cities" not in REPLICA_MODELS
    monkeypatch.setattr(replica, "reads_allowed", lambda: False)
    assert router.db_for_read(model("projects.Project")) == "default"
    assert router.db_for_write(model("projects.Project")) == "default"
    assert router.allow_migrate("replica", "projects") is False
    assert router.allow_migrate("default", "projects") is True
    # Every name on the list is a model (a typo would silently read the primary).
    installed = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    assert installed >= REPLICA_MODELS, REPLICA_MODELS - installed
    assert not any("historical" in label for label in REPLICA_MODELS)


def test_an_unknown_user_or_a_lost_cache_reads_the_primary(rf, settings):
    """Before the API has signed the caller in, the question stays open; with Redis down
    nobody's last write is known, so nobody reads the replica (and it is not even asked)."""
    from django.contrib.auth.models import AnonymousUser, User

    from core.cache import reset_breakers
    from core.replica import RequestReads

    request = rf.get("/api/v1/stats/projects/")
    request.user = AnonymousUser()
    reads = RequestReads(request)
    assert reads.allowed() is False and reads.answer is None

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    reset_breakers()
    try:
        request.user = User(pk=1, username="someone")
        reads = RequestReads(request)
        assert reads.allowed() is False and reads.answer is False
    finally:
        reset_breakers()


def test_inside_a_transaction_the_router_reads_the_primary(monkeypatch, db):
    """What a transaction reads, it reads where it writes (``db`` runs the test in one)."""
    from django.apps import apps

    from core import replica
    from core.db_router import ReplicaRouter

    monkeypatch.setattr(replica, "reads_allowed", lambda: True)
    assert ReplicaRouter().db_for_read(apps.get_model("projects.Project")) == "default"


def test_wal_positions_compare_as_postgresql_compares_them():
    # Kept by remember_write: the later of two writes' positions, never the one stored last.
    from core.replica import lsn_order

    assert lsn_order("0/9") < lsn_order("0/A") < lsn_order("0/10")
    assert lsn_order("0/FFFFFFFF") < lsn_order("1/0")
    assert sorted(["1/0", "0/1A", "0/2"], key=lsn_order) == ["0/2", "0/1A", "1/0"]
