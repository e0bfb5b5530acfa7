"""PostgreSQL goes away and comes back: requests wait with a 503, nothing is sent twice.

The test owns a PostgreSQL cluster of its own (config/tests/pg_cluster.py: initdb into a
temporary folder, on a free port, trust auth on loopback) and stops and starts it for real:
the shared cluster is never touched. The tracker runs against it as in production (the
compose file's gunicorn and Celery worker commands, through the stack test's harness),
without Redis (the filesystem broker), so that only the database fails.
"""

import json
import re
import sys
import threading
import time

import pytest
import requests

from .pg_cluster import PrivateCluster, requires_postgres
from .stack import MailCatcher, NativeStack, browser, free_port
from .stack import manage as run_manage

CJK = re.compile(r"[\u4e00-\u9fff]")
DEMO_PASSWORD = "demo-2023-Dezhou"


class StopDatabaseMidSend(MailCatcher):
    """Once armed, stops the cluster while the n-th next email is being delivered, then
    accepts it: the worker has sent it but cannot yet record that it did."""

    def __init__(self, cluster):
        super().__init__()
        self.cluster, self.stop_at = cluster, None
        self.stopped = threading.Event()

    def arm(self, position):
        with self.lock:
            self.stop_at = len(self.messages) + position

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            stop_now = len(self.messages) + 1 == self.stop_at
        if stop_now:
            self.cluster.stop()
            self.stopped.set()
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from aiosmtpd.controller import Controller

    cluster = PrivateCluster()
    mail = StopDatabaseMidSend(cluster)
    smtp_port = free_port()
    controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    stack = NativeStack(
        tmp_path_factory.mktemp("fault-pg"),
        database_url=cluster.url,
        redis_url="",  # the filesystem broker: only the database fails here
        smtp_port=smtp_port,
    )
    # The production lease: a claim is not taken over while its worker may still be sending.
    stack.env["TRACKER_DISPATCH_CLAIM_SECONDS"] = "600"
    stack.cluster, stack.mail = cluster, mail
    try:
        cluster.init()
        controller.start()
        stack.build()
        stack.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], "migrate")
        stack.run([sys.executable, "manage.py", "seed", "--demo"], "seed")
        stack.start("web")
        yield stack
    finally:
        stack.stop()
        controller.stop()
        stack.cleanup()
        cluster.destroy()


def manage(stack, code):
    return run_manage(stack, "shell", "-c", code, timeout=60).strip()


def logged_in(stack):
    session = browser(stack)
    session.get(stack.base_url + "/admin/login/", timeout=10)
    response = session.post(
        stack.base_url + "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": "demo-supervisor",
            "password": DEMO_PASSWORD,
            "next": "/admin/",
        },
        timeout=10,
    )
    assert response.status_code == 200 and "sessionid" in session.cookies
    return session


def pages(stack, session, token):
    """What officials and dashboards ask for: an API read with a token, the same with the
    session, an admin list and the dashboard page."""
    api = {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"}
    return {
        "api token": lambda: requests.get(
            stack.base_url + "/api/v1/projects/", headers=api, timeout=15
        ),
        "api session": lambda: session.get(stack.base_url + "/api/v1/tasks/", timeout=15),
        "admin": lambda: session.get(stack.base_url + "/admin/projects/project/", timeout=15),
        "dashboard": lambda: session.get(stack.base_url + "/dashboard/", timeout=15),
    }


def wait_for_web(stack):
    def up():
        try:
            return requests.get(stack.base_url + "/healthz?only=database", timeout=5).ok
        except requests.ConnectionError:
            return False

    stack.wait_until(up, timeout=60, what="the web process to answer")


@requires_postgres
def test_requests_during_a_database_outage_get_503_and_the_first_after_it_works(world):
    stack = world
    wait_for_web(stack)
    token = manage(
        stack,
        "from django.contrib.auth.models import User; from tracker.services import "
        "create_api_token; print(create_api_token(name='fault', "
        "user=User.objects.get(username='demo-supervisor'), scope='read')[1])",
    ).split()[-1]
    session = logged_in(stack)
    requests_ = pages(stack, session, token)
    for name, get in requests_.items():
        assert get().status_code == 200, name

    stack.cluster.stop()
    for name, get in requests_.items():
        response = get()
        assert response.status_code == 503, (name, response.status_code, response.text[:300])
        assert response.headers["Retry-After"] == "10", name
        body = response.json()["detail"] if name.startswith("api") else response.text
        assert CJK.search(body), (name, body)  # in Chinese, the default language
        assert "Traceback" not in response.text and "OperationalError" not in response.text
    # A write during the gap is refused the same way, and the caller is told to check.
    response = requests.post(
        stack.base_url + "/api/v1/projects/",
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"},
        json={"name": "x"},
        timeout=15,
    )
    assert response.status_code == 503 and "Retry-After" in response.headers

    started = time.monotonic()
    stack.cluster.start()
    first = requests_["api token"]()
    elapsed = time.monotonic() - started
    assert first.status_code == 200, first.text[:300]
    for name, get in requests_.items():
        assert get().status_code == 200, name
    print(f"\nfirst 200 {elapsed:.2f} s after `pg_ctl start` was called (start included)")

    log = stack.log("web")
    failures = [line for line in log.splitlines() if "database unavailable" in line]
    assert len(failures) == len(requests_) + 1
    assert "Traceback" not in log and "Internal Server Error" not in log


@requires_postgres
def test_after_a_quick_restart_the_first_request_of_each_web_worker_works(world):
    """No request in the gap: every web worker still holds a connection the restart killed;
    CONN_HEALTH_CHECKS makes each test it and reconnect instead of failing once."""
    stack = world
    wait_for_web(stack)
    session = logged_in(stack)
    for _ in range(8):  # every worker of WEB_CONCURRENCY=2 opens its connection
        assert session.get(stack.base_url + "/api/v1/projects/", timeout=15).status_code == 200
    stack.cluster.stop()
    stack.cluster.start()
    statuses = [
        session.get(stack.base_url + "/api/v1/projects/", timeout=15).status_code for _ in range(8)
    ]
    assert statuses == [200] * 8


def queue(stack, subject_key, count):
    recipients = [f"{subject_key}-{i}@example.gov.cn" for i in range(count)]
    manage(
        stack,
        "import datetime; from notifications import dispatch; dispatch.queue("
        f"kind='reminder', subject_key={subject_key!r}, recipients={recipients!r}, "
        "period=datetime.date(2026, 1, 5), subject='fault test', body_text='once')",
    )
    return recipients


def deliver(stack):
    manage(stack, "from notifications.tasks import deliver_due; deliver_due.delay()")


def statuses(stack, subject_key):
    output = manage(
        stack,
        "import json; from notifications.models import Dispatch; print(json.dumps(sorted("
        f"Dispatch.objects.filter(subject_key={subject_key!r})"
        ".values_list('status', flat=True))))",
    )
    return json.loads(output.splitlines()[-1])  # after any log lines


def received_once(stack, recipients, timeout=30):
    """Waits for an email to each of ``recipients``; fails on any sent twice."""
    try:
        stack.wait_until(
            lambda: {to for to, _s, _m in stack.mail.received()} >= set(recipients),
            timeout=timeout,
            what="every email",
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\n{stack.log('worker')[-4000:]}") from None
    time.sleep(1)  # anything sent twice would arrive now
    received = [to for to, _subject, _message in stack.mail.received() if to in recipients]
    assert sorted(received) == sorted(recipients)


@pytest.fixture(scope="module")
def worker(world):
    world.start("worker")
    return world


@requires_postgres
def test_a_task_that_cannot_reach_the_database_is_retried_and_then_sends_once(worker):
    stack = worker
    recipients = queue(stack, "fault-retry", 3)
    stack.cluster.stop()
    deliver(stack)
    stack.wait_until(lambda: "Retry in" in stack.log("worker"), timeout=30, what="a retry")
    stack.cluster.start()
    received_once(stack, recipients)
    assert statuses(stack, "fault-retry") == ["sent"] * 3


@requires_postgres
def test_losing_the_database_mid_send_sends_nothing_twice_and_nothing_late(worker):
    """The third email is accepted while the cluster stops: it has left, but the worker
    cannot record it. It must neither be sent again nor hold up the two after it."""
    stack = worker
    recipients = queue(stack, "fault-mid-send", 5)
    stack.mail.arm(3)
    deliver(stack)
    assert stack.mail.stopped.wait(30), stack.log("worker")[-3000:]
    time.sleep(1)  # the worker finds the database gone
    stack.cluster.start()
    received_once(stack, recipients)
    assert statuses(stack, "fault-mid-send") == ["sent"] * 5
