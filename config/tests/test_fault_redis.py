"""Redis down or restarting: officials keep working, limits fail open, nothing is lost.

Every test uses a redis-server of its own on a spare port (never the shared one), stops it
for real (the process ends, or is frozen for a hung Redis) and starts it again on the same
port: no mock of the failure. Runs on SQLite and PostgreSQL.
"""

import logging
import time

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from bench.fault_load import RedisServer
from core.cache import reset_breakers
from notifications.models import Dispatch, Heartbeat
from notifications.tasks import deliver_due
from projects.models import ProjectUpdate
from projects.tests.test_api import token_client
from tracker.api.throttling import ApiTokenRateThrottle

pytestmark = pytest.mark.django_db

BOUND = 2.0  # seconds a request may spend on a dead Redis: generous, not a timing test


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(redis_server, settings):
    """The app's cache on our own Redis, as production configures it, retried after 1 s."""
    if redis_server.process is None:
        redis_server.start()
    reset_breakers()
    settings.REDIS_URL = redis_server.url
    # Overriding CACHES resets django.core.cache.caches (Django's setting_changed receiver).
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 1},
        }
    }
    cache.clear()
    yield redis_server
    if redis_server.process is None:
        redis_server.start()
    else:
        redis_server.resume()  # harmless when it runs
    reset_breakers()


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def cache_warnings(caplog):
    return [r for r in caplog.records if r.name == "core.cache" and r.levelno == logging.WARNING]


def test_the_api_the_admin_and_the_dashboard_answer_while_redis_is_down(
    redis_cache, official_user, supervisor_user, project, client, caplog
):
    api = token_client(official_user)  # read-write
    assert api.get("/api/v1/projects/").status_code == 200
    redis_cache.stop()
    client.force_login(supervisor_user)
    calls = [
        lambda: api.get("/api/v1/projects/"),
        lambda: api.get(f"/api/v1/projects/{project.pk}/"),
        lambda: api.patch(f"/api/v1/projects/{project.pk}/", {"is_key": True}, format="json"),
        lambda: api.post(
            f"/api/v1/projects/{project.pk}/updates/",
            {"reported_on": "2023-05-05", "stage": project.stage, "funds_in_place": "10"},
            format="json",
        ),
        lambda: client.get("/admin/projects/project/"),
        lambda: client.get("/dashboard/"),
    ]
    with caplog.at_level(logging.INFO, logger="core.cache"):
        # Past several RETRY_AFTER periods: Redis is tried again (and fails) each time.
        deadline = time.monotonic() + 3
        rounds = 0
        while time.monotonic() < deadline or rounds < 2:
            for call in calls:
                response, seconds = timed(call)
                assert 200 <= response.status_code < 300, response.content[:500]
                assert seconds < BOUND
            rounds += 1
    assert ProjectUpdate.objects.filter(project=project).count() == rounds
    project.refresh_from_db()
    assert project.is_key
    # One warning for the outage, not one per request.
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1, [w.getMessage() for w in warnings]
    assert "failing open" in warnings[0].getMessage()


def test_limits_fail_open_and_work_again_after_redis_restarts(
    redis_cache, official_user, settings, monkeypatch
):
    monkeypatch.setattr(ApiTokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    settings.API_INVALID_TOKEN_RATE = "2/minute"
    api = token_client(official_user, "read")

    def token_statuses(count):
        return [api.get("/api/v1/work-points/").status_code for _ in range(count)]

    def guesses(count):
        return [
            APIClient()
            .get("/api/v1/work-points/", HTTP_AUTHORIZATION="Bearer wrong", REMOTE_ADDR="192.0.2.9")
            .status_code
            for _ in range(count)
        ]

    assert token_statuses(4) == [200, 200, 200, 429]
    assert guesses(3) == [401, 401, 429]
    redis_cache.stop()
    assert token_statuses(6) == [200] * 6  # fails open
    assert guesses(5) == [401] * 5
    redis_cache.start()  # same port, empty: a restart without persistence
    # No restart of the app: once RETRY_AFTER (1 s here) has passed, Redis is used again.
    time.sleep(1.1)
    assert token_statuses(4) == [200, 200, 200, 429]
    assert guesses(3) == [401, 401, 429]


def test_a_hung_redis_costs_a_request_a_bounded_time(redis_cache, official_user, caplog):
    api = token_client(official_user, "read")
    assert api.get("/api/v1/work-points/").status_code == 200
    redis_cache.pause()  # accepts connections, never answers: each call would wait
    try:
        with caplog.at_level(logging.WARNING, logger="core.cache"):
            started = time.monotonic()
            for _ in range(20):
                response, seconds = timed(api.get, "/api/v1/work-points/")
                assert response.status_code == 200 and seconds < BOUND
            total = time.monotonic() - started
    finally:
        redis_cache.resume()
    # The timeout is paid about once per RETRY_AFTER, not on each of the 20 requests' calls.
    assert total < 20 * 0.5
    assert len(cache_warnings(caplog)) == 1


@pytest.fixture
def beat_alive(db):
    Heartbeat.objects.update_or_create(process="celery-beat", defaults={"beat_at": timezone.now()})


def test_healthz_says_redis_is_degraded_while_the_tracker_serves(
    redis_cache, client, beat_alive, settings
):
    # The calendar's check depends on the date (workdays/tests test it); not under test here.
    settings.TRACKER_HEALTH_CHECKS = {
        name: path for name, path in settings.TRACKER_HEALTH_CHECKS.items() if name != "calendar"
    }
    redis_cache.stop()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "degraded", "scheduler": "ok", "tally": "ok"},
    }
    assert client.get("/healthz?only=redis").status_code == 503
    assert client.get("/healthz?only=database").status_code == 200
    redis_cache.start()
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/healthz?only=redis").status_code == 200


def test_a_resend_while_the_broker_is_down_is_kept_and_sent_later(
    redis_cache, client, supervisor_user, settings
):
    # The broker too is our Redis; the web never publishes to it: the dispatch log is the
    # outbox, and beat's deliver_due scan sends what it holds.
    settings.CELERY_BROKER_URL = redis_cache.url
    failed = Dispatch.objects.create(
        kind=Dispatch.Kind.DIGEST,
        subject_key="city",
        recipient="head@example.gov.cn",
        period=timezone.localdate(),
        subject="周报",
        body_text="…",
        status=Dispatch.Status.FAILED,
        attempts=5,
        last_error="SMTP down",
        next_attempt_at=timezone.now() + timezone.timedelta(days=30),
    )
    redis_cache.stop()
    client.force_login(supervisor_user)
    response, seconds = timed(
        client.post,
        "/admin/notifications/dispatch/",
        {"action": "resend", "_selected_action": [failed.pk]},
    )
    assert response.status_code == 302 and seconds < BOUND
    failed.refresh_from_db()
    assert failed.status == Dispatch.Status.PENDING  # recorded in the database
    redis_cache.start()
    # What beat's next scan runs (called directly: the point is the row, not the broker).
    assert deliver_due() == {"sent": 1}
    failed.refresh_from_db()
    assert failed.status == Dispatch.Status.SENT
    assert [m.to for m in mail.outbox] == [["head@example.gov.cn"]]


def test_a_redis_that_refuses_writes_is_as_good_as_down(redis_cache, official_user, caplog):
    """A replica after a failover answers PING but refuses every write (READONLY)."""
    api = token_client(official_user)
    admin = redis.Redis(port=redis_cache.port)
    admin.replicaof("127.0.0.1", "1")  # a replica of nothing: read-only
    try:
        with caplog.at_level(logging.WARNING, logger="core.cache"):
            assert api.get("/api/v1/projects/").status_code == 200  # the throttle's set()
        assert "ReadOnlyError" in cache_warnings(caplog)[0].getMessage()
    finally:
        admin.replicaof("NO", "ONE")
        admin.close()


def test_one_redis_client_serves_every_call_and_survives_a_restart(redis_cache):
    # Django's client builds a redis.Redis per call; ours shares one per pool (core.cache).
    cache.set("shared", 1)
    clients = {id(cache._cache.get_client()), id(cache._cache.get_client(write=True))}
    assert cache.get("shared") == 1 and len(clients) == 1
    redis_cache.stop()
    assert cache.get("shared", "absent") == "absent"  # down: as an empty cache
    redis_cache.start()
    time.sleep(1.1)  # RETRY_AFTER
    cache.set("shared", 2)  # the same client reconnects through its pool
    assert cache.get("shared") == 2
    assert id(cache._cache.get_client()) in clients
