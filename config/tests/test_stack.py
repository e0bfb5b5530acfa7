"""The production stack, run for real: gunicorn with the production settings, a Celery
worker and Celery beat on PostgreSQL and Redis, and an SMTP server, all on loopback.

The test drives the stack only as its users do, over HTTP and SMTP. It needs PostgreSQL
and Redis (CI provides both) and is skipped on the embedded default.
"""

import datetime
import os
import re
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings

from .stack import (
    ROOT,
    MailCatcher,
    NativeStack,
    app_commands,
    browser,
    compose_services,
    free_port,
    manage,
    running_services,
)

requires_services = pytest.mark.skipif(
    not settings.REDIS_URL or "postgres" not in settings.DATABASES["default"]["ENGINE"],
    reason="the stack needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL; CI sets both)",
)

SUPERVISOR, PASSWORD = "demo-supervisor", "demo-2023-Dezhou"
REMINDERS_JOB = "每日逾期提醒"
DIGESTS_JOB = "每周时限周报"
RETRY_JOB = "重发失败邮件"


def test_the_native_stack_starts_what_the_compose_file_starts():
    services = compose_services()
    commands = app_commands()
    # Every service built from our image is one the stack test starts, and nothing else.
    assert set(commands) == {"migrate", "web", "worker", "worker-bulk", "beat"}
    assert set(running_services()) == set(commands) - {"migrate"}
    assert commands["web"][0] == "gunicorn" and "config.wsgi" in commands["web"]
    assert commands["beat"][:4] == ["celery", "--app", "config", "beat"]
    assert "manage.py migrate" in " ".join(commands["migrate"])
    # Two workers on separate queues (config/settings.py routes the tasks): emails never
    # wait behind a bulletin; the bulk worker helps with emails, one job at a time.
    queues = {}
    for name in ("worker", "worker-bulk"):
        command = commands[name]
        assert command[:4] == ["celery", "--app", "config", "worker"]
        queues[name] = set(command[command.index("-Q") + 1].split(","))
        node = command[command.index("--hostname") + 1].split("@")[0]
        assert f"--destination {node}@" in " ".join(services[name]["healthcheck"]["test"])
    assert queues == {"worker": {"notifications"}, "worker-bulk": {"bulk", "notifications"}}
    bulk = commands["worker-bulk"]
    assert bulk[bulk.index("--concurrency") + 1] == "1"
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed <= queues["worker-bulk"]
    assert settings.CELERY_TASK_DEFAULT_QUEUE in queues["worker"]
    # Migrations run once, in their own service, before the others start.
    for name in running_services():
        assert "migrate" not in " ".join(commands[name])
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    # Every service has a health check but the one-off migration.
    for name, service in services.items():
        assert name == "migrate" or "healthcheck" in service, name
    assert "dev" in services["mailpit"]["profiles"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"CMD {str(commands['web']).replace(chr(39), chr(34))}" in dockerfile
    assert "USER tracker" in dockerfile and "collectstatic" in dockerfile


def csrf_token(session):
    return session.cookies.get("csrftoken")


def admin_post(session, stack, path, data):
    response = session.post(
        stack.base_url + path, data={"csrfmiddlewaretoken": csrf_token(session), **data}
    )
    assert response.status_code == 200, response.text[:2000]
    return response


def log_in(session, stack):
    session.get(stack.base_url + "/admin/login/").raise_for_status()
    page = admin_post(
        session,
        stack,
        "/admin/login/?next=/admin/",
        {"username": SUPERVISOR, "password": PASSWORD, "next": "/admin/"},
    )
    assert urlsplit(page.url).path == "/admin/", "login failed"


def create_token(session, stack):
    # The user field is an autocomplete: ask it, as the page's script does.
    found = session.get(
        stack.base_url + "/admin/autocomplete/",
        params={
            "app_label": "tracker",
            "model_name": "apitoken",
            "field_name": "user",
            "term": SUPERVISOR,
        },
    ).json()["results"]
    user_id = next(user["id"] for user in found if user["text"] == SUPERVISOR)
    session.get(stack.base_url + "/admin/tracker/apitoken/add/").raise_for_status()
    page = admin_post(
        session,
        stack,
        "/admin/tracker/apitoken/add/",
        {"name": "大屏", "user": user_id, "scope": "read_write", "_save": "1"},
    )
    return re.search(r"不会再次显示:([A-Za-z0-9_-]{40,})", page.text).group(1)


def run_job(session, stack, name):
    """What an operator does in the admin: select a schedule and choose "Run selected" (the
    demo has two cities, so the schedules are the superusers', docs/tenants.md)."""
    listing = session.get(
        stack.base_url + "/admin/django_celery_beat/periodictask/", params={"q": name}
    ).text
    [job_id] = re.findall(r'name="_selected_action" value="(\d+)"', listing)
    admin_post(
        session,
        stack,
        "/admin/django_celery_beat/periodictask/",
        {"action": "run_tasks", "_selected_action": job_id, "index": "0"},
    )


MAKE_TODAY_A_WORKING_DAY = (
    "from django.utils import timezone; from workdays.models import CalendarException; "
    "CalendarException.objects.update_or_create(date=timezone.localdate(), "
    "defaults={'is_workday': True, 'note': 'stack test'})"
)

# Running a schedule by hand is the operators' once a tracker has two cities (the demo's
# Dezhou and Langfang): the supervisor's account is made one, as a deployment would.
MAKE_THE_SUPERVISOR_AN_OPERATOR = (
    "from django.contrib.auth.models import User; "
    f"User.objects.filter(username={SUPERVISOR!r}).update(is_superuser=True)"
)


def batch_holder(stack):
    """The worker running the one delivery batch still unfinished, once every other batch
    has finished (Celery logs each task's "received" and "succeeded"); None before."""
    unfinished = {}
    for name in ("worker", "worker-bulk"):
        log = stack.log(name)
        received = set(re.findall(r"notifications\.deliver_batch\[([0-9a-f-]+)\] received", log))
        done = set(re.findall(r"notifications\.deliver_batch\[([0-9a-f-]+)\] succeeded", log))
        unfinished[name] = received - done
    if sum(len(batches) for batches in unfinished.values()) != 1:
        return None
    return next(name for name, batches in unfinished.items() if batches)


def planned(stack, command):
    """What a run would send now, from the command's dry run: [(recipient, subject)]."""
    output = subprocess.run(
        [sys.executable, "manage.py", command, "--dry-run"],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split("\t") for line in output.splitlines() if line.count("\t") == 2]
    return [(recipient, " ".join(subject.split())) for _kind, recipient, subject in rows]


@pytest.fixture
def stack(tmp_path_factory):
    import psycopg
    import redis
    from aiosmtpd.controller import Controller

    db = settings.DATABASES["default"]
    database = f"{db['NAME']}_stack"
    admin_dsn = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname=postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    # A Redis database of its own, emptied, so that no other run's messages leak in.
    # (STACK_REDIS_DB: another one, when several runs share a Redis server.)
    stack_db = os.environ.get("STACK_REDIS_DB", "13")
    redis_url = urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{stack_db}"))
    redis.Redis.from_url(redis_url).flushdb()

    mail = MailCatcher()
    smtp_port = free_port()
    controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    stack = NativeStack(
        tmp_path_factory.mktemp("stack"),
        database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}",
        redis_url=redis_url,
        smtp_port=smtp_port,
    )
    stack.mail = mail
    try:
        stack.build()
        stack.run(stack.commands["migrate"], "migrate")
        # Test data: the demo city, its departments, officials and the demo supervisor.
        stack.run([sys.executable, "manage.py", "seed", "--demo"], "seed")
        for service in running_services():  # what compose starts, both workers included
            stack.start(service)
        yield stack
    finally:
        stack.stop()
        controller.stop()
        stack.cleanup()
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def healthz(stack):
    try:
        response = requests.get(stack.base_url + "/healthz", timeout=5)
    except (requests.ConnectionError, requests.Timeout):  # starting, or a busy machine
        return None
    return response


@requires_services
def test_production_stack_end_to_end(stack):
    mail = stack.mail
    # Up: the web answers, and /healthz sees the database, Redis, beat's heartbeat, the
    # working-day calendar and the statistics' tally.
    ready = stack.wait_until(
        lambda: (r := healthz(stack)) is not None and r.status_code == 200 and r,
        timeout=90,
        what="/healthz to answer 200",
    )
    assert set(ready.json()["checks"]) == {"database", "redis", "scheduler", "calendar", "tally"}
    # Production settings: HTTPS enforced, HSTS sent, static files served by whitenoise.
    plain = requests.get(stack.base_url + "/admin/login/", allow_redirects=False, timeout=5)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    session = browser(stack)
    login_page = session.get(stack.base_url + "/admin/login/")
    assert "max-age=31536000" in login_page.headers["Strict-Transport-Security"]
    assert "Secure" in login_page.headers["Set-Cookie"]
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]+\.css)"', login_page.text)
    assert stylesheet, "static files are not served with hashed names"
    assert session.get(stack.base_url + stylesheet.group(1)).status_code == 200

    # A supervisor logs in and creates a read-write token for a dashboard.
    log_in(session, stack)
    key = create_token(session, stack)
    api = requests.Session()
    api.headers.update({"Authorization": f"Bearer {key}", "X-Forwarded-Proto": "https"})

    # Through the API: a project whose milestone is overdue is reported in operation.
    overdue = api.get(
        stack.base_url + "/api/v1/projects/", params={"milestone_overdue": "true", "page_size": 1}
    ).json()
    assert overdue["count"] > 1
    project = overdue["results"][0]
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    recorded = api.post(
        stack.base_url + f"/api/v1/projects/{project['id']}/updates/",
        json={
            "reported_on": today.isoformat(),
            "stage": "in_operation",
            "funds_in_place": project["total_investment"],
            "note": "已投产(测试)",
        },
    )
    assert recorded.status_code == 201, recorded.text
    assert (
        api.get(stack.base_url + f"/api/v1/projects/{project['id']}/").json()["stage"]
        == "in_operation"
    )

    # Reminders and digests go out on working days only, and the stack runs on whatever day
    # CI does: today is made a working day, as a supervisor would with a local exception.
    manage(stack, "shell", "-c", MAKE_TODAY_A_WORKING_DAY)
    manage(stack, "shell", "-c", MAKE_THE_SUPERVISOR_AN_OPERATOR)

    # The daily reminders, run from the admin: each planned email arrives, once.
    reminders = planned(stack, "send_reminders")
    assert reminders, "the demo data has overdue items"
    run_job(session, stack, REMINDERS_JOB)
    stack.wait_until(
        lambda: len(mail.received()) >= len(reminders), timeout=120, what="the reminders"
    )
    run_job(session, stack, REMINDERS_JOB)  # a second run, as a retry would
    run_job(session, stack, RETRY_JOB)
    time.sleep(2)  # time for a duplicate, if there were one, to arrive
    received = mail.received()
    assert Counter((to, subject) for to, subject, _ in received) == Counter(reminders)
    bodies = "".join(m.get_body(("plain",)).get_content() for _, _, m in received)
    assert project["name"] not in bodies, "a project in operation is no longer overdue"
    assert "逾期" in bodies

    # The weekly digests, fanned out: a plan task per city, delivery batches shared by both
    # workers. The third digest is held; the worker whose batch holds it is killed once the
    # other batches are through, and started again.
    digests = planned(stack, "send_digests")
    assert len(digests) > 3
    before = len(mail.received())
    mail.arm_hold(3)
    run_job(session, stack, DIGESTS_JOB)
    stack.wait_until(mail.holding.is_set, timeout=120, what="the third digest")
    holder = stack.wait_until(
        lambda: batch_holder(stack), timeout=120, what="the batches not held to finish"
    )
    stack.kill(holder)
    mail.release.set()
    stack.start(holder)
    run_job(session, stack, DIGESTS_JOB)  # the supervisor runs it again: planned already

    def all_digests_arrived():
        arrived = {(to, subject) for to, subject, _ in mail.received()[before:]}
        if arrived >= set(digests):
            return True
        run_job(session, stack, RETRY_JOB)  # picks up the rows the dead worker held
        time.sleep(1)
        return False

    stack.wait_until(all_digests_arrived, timeout=120, what="every digest")
    run_job(session, stack, RETRY_JOB)
    time.sleep(2)
    received = mail.received()
    assert Counter((to, subject) for to, subject, _ in received[:before]) == Counter(reminders)
    # Every digest arrived; the only repeats are the dead worker's sends not yet marked sent
    # (marked ten at a time, notifications.dispatch.MARK_EVERY): here the held one's
    # predecessors in its batch, at most two, each the same dispatch row again.
    by_row = Counter(m["X-Tracker-Dispatch"] for _, _, m in received[before:])
    assert {(to, subject) for to, subject, _ in received[before:]} == set(digests)
    assert len(by_row) == len(digests)
    assert sum(by_row.values()) - len(by_row) <= 2
    assert healthz(stack).status_code == 200
