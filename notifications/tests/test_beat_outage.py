"""A run that falls due while the broker is down is sent when it comes back, not tomorrow.

Celery's beat publishes through a real redis-server of the test's own, stopped for real.
"""

import logging

import pytest
import redis
from celery import Celery
from django_celery_beat.models import PeriodicTask

from bench.fault_load import RedisServer
from notifications.scheduler import HeartbeatScheduler

# Transactional: django-celery-beat closes the connection of a thread in a transaction
# (close_old_connections), which would end a test wrapped in one; serialized_rollback
# restores the schedules the migrations installed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Installed by tracker/migrations/0006_schedules.py: every few minutes, deliver_due.
RETRY_RUN = "重发失败邮件 (retry failed emails)"


@pytest.fixture
def broker():
    server = RedisServer().start()
    yield server
    server.stop()


# The schedulers a test started: celery registers each one's sync() to run when the process
# exits, by which time the test database is gone (an error printed after the last test).
STARTED = []


@pytest.fixture(autouse=True)
def synced_before_the_database_goes():
    yield
    while STARTED:
        STARTED.pop().sync()  # nothing left to write at exit


def beat_on(broker):
    # Only the run under test is scheduled: the daily ones (08:00, 08:30) fall due too when
    # the test runs in the morning, and would be published beside it.
    PeriodicTask.objects.exclude(name=RETRY_RUN).update(enabled=False)
    app = Celery(set_as_current=False)
    app.conf.update(
        broker_url=broker.url,
        task_ignore_result=True,
        broker_connection_timeout=1,
        broker_connection_max_retries=1,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
    )
    scheduler = HeartbeatScheduler(app=app)
    scheduler.producer  # noqa: B018  (connected, as a running beat is, before the outage)
    STARTED.append(scheduler)
    return scheduler


def queued(broker):
    client = redis.Redis(port=broker.port)
    try:
        return client.llen("celery")
    finally:
        client.close()


def test_a_run_due_while_the_broker_is_down_is_sent_when_it_returns(broker, caplog):
    scheduler = beat_on(broker)
    entry = scheduler.schedule[RETRY_RUN]
    broker.stop()

    with caplog.at_level(logging.WARNING, logger="notifications.scheduler"):
        scheduler.apply_entry(entry, producer=scheduler.producer)
    assert list(scheduler.unsent) == [RETRY_RUN]
    assert "will retry when the broker answers" in caplog.text
    # While the run waits, beat wakes often enough to try again soon.
    assert scheduler.tick() <= scheduler.unsent_retry_every

    broker.start()
    scheduler.tick()
    assert scheduler.unsent == {}
    assert queued(broker) == 1  # published once, waiting for a worker


def test_nothing_is_kept_when_the_broker_answers(broker):
    scheduler = beat_on(broker)
    entry = scheduler.schedule[RETRY_RUN]
    scheduler.apply_entry(entry, producer=scheduler.producer)
    assert scheduler.unsent == {} and queued(broker) == 1
