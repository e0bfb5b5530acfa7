"""The example sync client (scripts/sync_example.py) against a live tracker while projects
change, and its HTTP manners (retries, ETags, redirects) against a scripted loopback server.

The live test runs the script as another developer would: a separate Python process with
the standard library only (``-I -S``: no site-packages), talking HTTP to pytest-django's
live server, while two writer threads create, change and delete projects through the
services and the ORM. Once the writers stop and the settle window has passed, two passes
must leave the SQLite mirror exactly equal to the database. The small scripted server
drives what a live tracker will not do on demand: 429, 5xx, cut answers, redirects.
"""

import importlib.util
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import nullcontext
from datetime import datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.utils import timezone

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "sync_example.py"
SETTLE = 1  # seconds; TRACKER_SYNC_SETTLE_SECONDS for these tests (5 in production)


def load_client():
    spec = importlib.util.spec_from_file_location("sync_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the live test ---------------------------------------------------------------------------


def serialized(app, lock):
    """The WSGI app, one request at a time under ``lock``, its body read inside it.

    On SQLite the live server's threads and the writer thread share the one in-memory
    connection pytest-django hands the server; interleaving two threads' statements on one
    connection would mix their transactions. On PostgreSQL nothing is locked: there the
    writer's transactions really race the client's reads, which the settle window is for.
    """

    def serve(environ, start_response):
        with lock:
            response = app(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        return [body]

    return serve


@pytest.fixture
def tracker(live_server, settings):
    """(base URL, the lock a writer holds per transaction) of a live tracker."""
    settings.TRACKER_SYNC_SETTLE_SECONDS = SETTLE
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    shared = connections["default"].vendor == "sqlite"
    lock = threading.Lock() if shared else nullcontext()
    if shared:
        httpd.set_app(serialized(app, lock))
    yield live_server.url, lock
    httpd.set_app(app)


@pytest.fixture
def token(supervisor_user):
    from tracker.services import create_api_token

    return create_api_token(name="sync", user=supervisor_user, scope="read")[1]


def new_project(number, lingcheng, department):
    from projects.models import Project
    from projects.services import save_project

    project = Project(
        code=f"SYNC-{number:04d}",
        name=f"同步项目 {number}",
        investor='=HYPERLINK("http://evil")',  # stored and mirrored as plain text
        host_division=lingcheng,
        responsible_department=department,
        year=2026,
        total_investment=Decimal(number * 100),
    )
    return save_project(project)


class Writer(threading.Thread):
    """Creates, changes and deletes projects for ``seconds``, one transaction at a time.

    Each transaction stays open a moment after its row is stamped, as a slow request's
    would: with two writers, a row stamped earlier can commit after one stamped later,
    the case the API's settle window exists for (on PostgreSQL; SQLite runs them in turn).
    """

    def __init__(self, seed, lock, lingcheng, department, seconds=3.0):
        super().__init__(daemon=True)
        self.seed, self.lock, self.seconds = seed, lock, seconds
        self.lingcheng, self.department = lingcheng, department
        self.shared = connections["default"]  # the test's own (used on SQLite only)
        self.created, self.changed, self.deleted = [], set(), set()
        self.error = None

    def run(self):
        sqlite = self.shared.vendor == "sqlite"
        if sqlite:  # the live server's in-memory database, on its one connection
            self.shared.inc_thread_sharing()
            connections["default"] = self.shared
        chance = random.Random(self.seed)
        try:
            end = time.monotonic() + self.seconds
            while time.monotonic() < end:
                with self.lock, transaction.atomic():
                    self.step(chance)
                    # Stamped, not yet committed (not under SQLite's lock: it would starve
                    # the client's requests).
                    time.sleep(0 if sqlite else chance.uniform(0, 0.2))
                time.sleep(0.02)
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            if sqlite:
                self.shared.dec_thread_sharing()
            else:
                connections.close_all()

    def step(self, chance):
        from core.concurrency import StaleObjectError
        from projects.models import Project
        from projects.services import save_project

        existing = list(Project.objects.values_list("pk", flat=True))
        step = chance.random()
        if step < 0.4 or not existing:
            number = self.seed * 1000 + len(self.created)
            self.created.append(new_project(number, self.lingcheng, self.department).pk)
            return
        pk = chance.choice(existing)
        if step < 0.8:
            try:  # the other writer may have changed or deleted it meanwhile
                with transaction.atomic():
                    project = Project.objects.get(pk=pk)
                    project.name = f"{project.name}′"
                    project.total_investment += 1
                    save_project(project)
            except (StaleObjectError, Project.DoesNotExist):
                return
            self.changed.add(pk)
        else:
            Project.objects.filter(pk=pk).delete()  # as the admin deletes
            self.deleted.add(pk)


def client(url, db, *extra):
    return [
        sys.executable,
        "-I",  # no PYTHON* variables, no user site: what a copy of the script would see
        "-S",  # no site-packages: the standard library only
        str(SCRIPT),
        url,
        "--db",
        str(db),
        "--page-size",
        "7",  # small pages: many keyset steps, and ties across page ends
        *extra,
    ]


def one_pass(url, token, db, *extra):
    finished = subprocess.run(
        client(url, db, *extra),
        env={"TRACKER_TOKEN": token, "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def mirrored(db):
    with sqlite3.connect(db) as mirror:
        rows = mirror.execute(
            "SELECT id, updated_at, json_extract(data, '$.name'),"
            " json_extract(data, '$.total_investment'), json_extract(data, '$.investor')"
            " FROM projects"
        ).fetchall()
    return {
        pk: (datetime.fromisoformat(stamp), name, Decimal(total), investor)
        for pk, stamp, name, total, investor in rows
    }


def in_database():
    from projects.models import Project

    return {
        p.pk: (p.updated_at, p.name, p.total_investment, p.investor)
        for p in Project.objects.order_by("pk")
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_mirror_equals_the_database_after_writes_during_the_sync(
    tracker, token, lingcheng, department, tmp_path
):
    from projects.models import Project

    url, lock = tracker
    for number in range(1, 41):
        new_project(number, lingcheng, department)
    # As right after the migration that added updated_at: many rows share one stamp.
    Project.objects.update(updated_at=timezone.now() - timedelta(minutes=1))
    db = tmp_path / "mirror.sqlite3"
    watcher = subprocess.Popen(
        client(url, db, "--watch", "0.1"),
        env={"TRACKER_TOKEN": token, "PATH": os.environ.get("PATH", "")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writers = [Writer(seed, lock, lingcheng, department) for seed in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=30)
    # SIGTERM, as a service manager stops it (and as Ctrl-C does): a page half stored is
    # rolled back. Not SIGINT itself: a CI shell may start the tests with it ignored.
    watcher.send_signal(signal.SIGTERM)
    out, err = watcher.communicate(timeout=30)
    assert [writer.error for writer in writers] == [None, None]
    assert watcher.returncode == 130, err
    assert len(out.splitlines()) >= 2, (out, err)  # it polled while the writers wrote
    created = {pk for writer in writers for pk in writer.created}
    deleted = {pk for writer in writers for pk in writer.deleted}
    assert created and deleted and all(writer.changed for writer in writers)

    time.sleep(SETTLE + 0.2)  # the settle window: the last writes become visible
    one_pass(url, token, db)
    one_pass(url, token, db)
    expected = in_database()
    assert mirrored(db) == expected
    assert deleted.isdisjoint(mirrored(db))
    assert created - deleted <= set(mirrored(db))
    assert one_pass(url, token, db) == "projects: 0 changed, 0 deleted, 2 not modified\n"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_list_can_be_mirrored(tracker, token, project, task, tmp_path):
    from regions.models import Division
    from tracker.models import Department, KeyTask

    url, _lock = tracker
    sync = load_client()
    settled = timezone.now() - timedelta(minutes=1)  # older than the settle window
    for model in (Division, Department, KeyTask, type(project)):
        model.objects.update(updated_at=settled)
    db = tmp_path / "mirror.sqlite3"
    out = one_pass(url, token, db, *(a for r in sync.RESOURCES for a in ("--resource", r)))
    assert len(out.splitlines()) == len(sync.RESOURCES)
    with sqlite3.connect(db) as mirror:
        count = {
            table: mirror.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("divisions", "departments", "tasks", "projects", "bulletins")
        }
    assert count == {
        "divisions": Division.objects.count(),  # 山东省, 德州市, 陵城区 and 北京市
        "departments": 1,
        "tasks": 1,
        "projects": 1,
        "bulletins": 0,
    }


def test_the_example_knows_every_synced_list():
    """The example's table of resources and deletion labels is the API's."""
    from config.api import router
    from core.sync import tracked_labels

    sync = load_client()
    assert sorted(sync.RESOURCES.values()) == tracked_labels()
    listed = {
        prefix: viewset.queryset.model._meta.label_lower
        for prefix, viewset, _ in router.registry
        if getattr(viewset, "queryset", None) is not None  # not a computed answer
    }
    assert {resource: listed.get(resource) for resource in sync.RESOURCES} == sync.RESOURCES


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_wrong_token_fails_the_pass_without_showing_the_token(tracker, tmp_path):
    url, _lock = tracker
    finished = subprocess.run(
        client(url, tmp_path / "mirror.sqlite3"),
        env={"TRACKER_TOKEN": "not-a-token", "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1
    assert "401 from projects/" in finished.stderr
    assert "not-a-token" not in finished.stdout + finished.stderr


# -- HTTP manners against a scripted server -------------------------------------------------


CUT = "cut"


class Scripted:
    """A loopback HTTP server answering from ``script``: (status, headers, JSON or None)."""

    def __init__(self, script):
        self.script, self.requests = list(script), []
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                scripted.requests.append((self.path, dict(self.headers)))
                status, headers, payload = scripted.script.pop(0)
                body = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                # CUT: the connection drops half way through the body.
                cut = payload == CUT
                self.send_header("Content-Length", str(len(body) * (2 if cut else 1)))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = cut

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted():
    servers = []

    def start(*script):
        servers.append(Scripted(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def page(*rows, next_url=None):
    return {"count": None, "next": next_url, "previous": None, "results": list(rows)}


EMPTY = (200, {"ETag": '"empty"'}, page())


def test_429_and_5xx_are_retried_after_the_wait_asked_for(scripted, tmp_path):
    sync = load_client()
    row = {"id": 3, "updated_at": "2026-11-26T15:55:01.123456+08:00", "name": "a"}
    server = scripted(
        (429, {"Retry-After": "7"}, {"detail": "slow down"}),
        (503, {}, None),
        (200, {}, page(row)),
        EMPTY,  # the deletion feed: nothing
    )
    waits = []
    api = sync.Api(server.url, "k3y", sleep=waits.append)
    counts = sync.sync(api, sync.Mirror(tmp_path / "m.sqlite3"), "projects")
    assert counts == {"changed": 1, "deleted": 0, "not_modified": 0}
    assert waits == [7, 2]  # Retry-After, then the second step of the backoff
    path, headers = server.requests[0]
    assert path.startswith("/api/v1/projects/?ordering=updated_at&updated_after=1970-01-01")
    assert headers["Authorization"] == "Token k3y"


def test_a_cut_answer_is_retried_and_a_page_number_answer_refused(scripted, tmp_path):
    sync = load_client()
    server = scripted((200, {}, CUT), (200, {}, {"count": 1, "next": None, "results": []}))
    waits = []
    api = sync.Api(server.url, "k3y", sleep=waits.append)
    with pytest.raises(sync.SyncError, match="not a keyset page"):
        sync.sync(api, sync.Mirror(tmp_path / "m.sqlite3"), "projects")
    assert waits == [1]


def test_retries_are_bounded(scripted, tmp_path):
    sync = load_client()
    server = scripted(*[(502, {}, None)] * sync.ATTEMPTS)
    waits = []
    api = sync.Api(server.url, "k3y", sleep=waits.append)
    with pytest.raises(sync.SyncError, match="502 from projects/, 6 attempts"):
        sync.sync(api, sync.Mirror(tmp_path / "m.sqlite3"), "projects")
    assert waits == [1, 2, 4, 8, 16]
    assert sync.retry_after("99999", 1) == sync.LONGEST_WAIT  # a server cannot park us


def no_wait(seconds):
    raise AssertionError(f"the client waited {seconds} s where it had no reason to")


def test_the_etag_of_an_empty_answer_is_sent_and_304_ends_the_feed(scripted, tmp_path):
    sync = load_client()
    row = {"id": 5, "updated_at": "2026-11-26T15:55:01+08:00"}
    gone = {"id": 1, "model": "projects.project", "object_id": 5}
    gone["deleted_at"] = "2026-11-26T16:00:00+08:00"
    server = scripted(
        # first pass: one row (and a `next` to another host), an empty page, a deletion
        (200, {}, page(row, next_url="http://elsewhere.example/api/v1/projects/")),
        EMPTY,
        (200, {}, page(gone)),
        # second pass: nothing new (304), the deletion feed is empty now
        (304, {}, None),
        (200, {"ETag": '"none gone"'}, page()),
        # third pass: 304 twice
        (304, {}, None),
        (304, {}, None),
    )
    api = sync.Api(server.url, "k3y", sleep=no_wait)
    mirror = sync.Mirror(tmp_path / "m.sqlite3")
    assert sync.sync(api, mirror, "projects") == {"changed": 1, "deleted": 1, "not_modified": 0}
    assert mirror.db.execute("SELECT count(*) FROM projects").fetchone() == (0,)
    assert sync.sync(api, mirror, "projects")["not_modified"] == 1
    third = sync.sync(api, mirror, "projects")
    assert third == {"changed": 0, "deleted": 0, "not_modified": 2}
    paths = [path for path, _headers in server.requests]
    sent = [headers.get("If-None-Match") for _path, headers in server.requests]
    assert sent == [None, None, None, '"empty"', None, '"empty"', '"none gone"']
    # `next` is only a signal: the client asks its own server, from its stored cursor.
    assert paths[1].startswith("/api/v1/projects/?ordering=updated_at&updated_after=")
    assert "updated_after=2026-11-26T15%3A55%3A01%2B08%3A00&after_id=5" in paths[1]
    assert paths[4].startswith("/api/v1/deleted/?model=projects.project&deleted_after=")
    assert "deleted_after=2026-11-26T16%3A00%3A00%2B08%3A00&after_id=1" in paths[4]


def test_redirects_are_refused_so_the_token_stays_home(scripted, tmp_path):
    sync = load_client()
    elsewhere = scripted()
    server = scripted((301, {"Location": f"{elsewhere.url}/api/v1/projects/"}, None))
    api = sync.Api(server.url, "k3y", sleep=no_wait)
    with pytest.raises(sync.SyncError, match="301 from projects/"):
        sync.sync(api, sync.Mirror(tmp_path / "m.sqlite3"), "projects")
    assert elsewhere.requests == []
