"""A worker whose Redis goes away picks up work again when it returns, without a restart.

A real `celery worker` process on a redis-server of the test's own, stopped and started.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from bench.fault_load import RedisServer

from .test_celery import database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker(broker):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: PostgreSQL")
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": broker.url}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    quiet = ["--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    process = subprocess.Popen(command + quiet, cwd=ROOT, env=env)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def client_of(broker):
    app = Celery(set_as_current=False)
    app.conf.update(
        broker_url=broker.url,
        result_backend=broker.url,
        task_default_queue=settings.CELERY_TASK_DEFAULT_QUEUE,  # what the workers consume
    )
    return app


def deliver_due(broker):
    """Runs the real task on the worker and waits for its answer."""
    result = client_of(broker).send_task("tracker.deliver_due", ignore_result=False)
    try:
        return result.get(timeout=60)
    finally:
        result.app.close()


def test_a_worker_picks_up_work_again_when_redis_returns(broker, worker):
    assert deliver_due(broker) == {}  # nothing due: the worker answers

    broker.stop()
    time.sleep(3)  # the worker notices and starts reconnecting
    broker.start()  # an empty Redis on the same port, as after a restart

    assert deliver_due(broker) == {}
    assert worker.poll() is None  # the same process, never restarted
