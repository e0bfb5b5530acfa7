"""Production settings, the health check and one-line logs."""

import datetime
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from notifications.models import Heartbeat

from .stack import ROOT, example_environment, production_environment


def manage(tmp_path, *args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "TRACKER_", "EMAIL_", "DATABASE_", "REDIS_"))
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        TRACKER_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_the_example_production_environment_passes_the_deployment_checks(tmp_path):
    result = manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_environment()
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "EMAIL_URL"])
def test_production_refuses_to_start_without_a_required_setting(tmp_path, missing):
    env = production_environment()
    del env[missing]
    result = manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when TRACKER_ENV=production" in result.stderr


@pytest.mark.parametrize(
    "key",
    [example_environment()["DJANGO_SECRET_KEY"], "x7Gq" * 12],  # the placeholder; 48 characters
    ids=["placeholder", "short"],
)
def test_production_refuses_the_placeholder_or_a_short_secret_key(tmp_path, key):
    result = manage(tmp_path, "check", **{**production_environment(), "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be 50 or more random characters" in (
        result.stderr
    )


def test_the_settings_know_the_placeholder_of_the_example_environment():
    from django.conf import settings

    assert example_environment()["DJANGO_SECRET_KEY"] == settings.PLACEHOLDER_SECRET_KEY


def test_the_image_builds_with_a_key_production_accepts(tmp_path):
    dockerfile = (ROOT / "Dockerfile").read_text()
    build_key = re.search(r"DJANGO_SECRET_KEY=(\S+)", dockerfile).group(1)
    env = {**production_environment(), "DJANGO_SECRET_KEY": build_key}
    result = manage(tmp_path, "check", **env)
    assert result.returncode == 0, result.stderr


def test_an_unknown_mode_is_refused(tmp_path):
    result = manage(tmp_path, "check", TRACKER_ENV="prod")
    assert result.returncode != 0
    assert "TRACKER_ENV must be 'development' or 'production'" in result.stderr


def test_development_needs_no_variables_and_keeps_debug_on(tmp_path):
    result = manage(tmp_path, "check", "--deploy")
    assert result.returncode == 0
    assert "security.W018" in result.stderr  # DEBUG on: --deploy says so, as it should


def variables_read_by_the_code():
    pattern = re.compile(
        r"""(?:env(?:\.\w+)?\(\s*|os\.environ\.get\(\s*|required_in_production\(\s*)"([A-Z][A-Z0-9_]+)\""""
    )
    names = set()
    for path in [*ROOT.glob("config/*.py"), *ROOT.glob("*/settings*.py")]:
        names |= set(pattern.findall(path.read_text()))
    return names


def test_every_setting_the_code_reads_is_documented_in_the_example_environment():
    names = variables_read_by_the_code()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "GUNICORN_BIND", "EMAIL_URL"} <= names
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert names - documented == set()


def test_logs_are_one_json_line_per_event_even_with_a_traceback():
    from config.logging import JsonLineFormatter, TextLineFormatter

    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        record = logging.getLogger("tracker.test").makeRecord(
            "tracker.test",
            logging.ERROR,
            __file__,
            1,
            "发送失败 %s",
            ("a@example.gov",),
            sys.exc_info(),
            extra={"dispatch": 7},
        )
    line = JsonLineFormatter().format(record)
    assert "\n" not in line
    event = json.loads(line)
    assert event["message"] == "发送失败 a@example.gov" and event["level"] == "ERROR"
    assert "ZeroDivisionError" in event["exception"] and event["dispatch"] == 7
    text = TextLineFormatter().format(record)
    assert "\n" not in text and "ZeroDivisionError" in text


@pytest.fixture
def beat_seen(db):
    def seen(seconds_ago):
        Heartbeat.objects.update_or_create(
            process="celery-beat",
            defaults={"beat_at": timezone.now() - datetime.timedelta(seconds=seconds_ago)},
        )

    return seen


@pytest.fixture
def without_calendar_check(settings):
    """The calendar's check depends on the date it runs (degraded from December without
    next year's calendar): workdays/tests test it; here the other checks are under test."""
    settings.TRACKER_HEALTH_CHECKS = {
        name: path for name, path in settings.TRACKER_HEALTH_CHECKS.items() if name != "calendar"
    }


def test_healthz_answers_200_when_everything_answers(client, beat_seen, without_calendar_check):
    beat_seen(10)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "scheduler": "ok", "tally": "ok"},
    }


@pytest.fixture
def supervisor_client(client, supervisor_user):
    client.force_login(supervisor_user)
    return client


def test_healthz_says_when_the_scheduler_never_ran(client, supervisor_client, db):
    response = supervisor_client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["scheduler"] == "error: RuntimeError: celery beat has never run"
    assert checks["database"] == "ok"


def test_healthz_says_when_the_scheduler_went_silent(supervisor_client, beat_seen, settings):
    settings.TRACKER_SCHEDULER_MAX_SILENCE_SECONDS = 180
    beat_seen(600)
    response = supervisor_client.get("/healthz")
    assert response.status_code == 503
    assert "celery beat last seen 600 s ago" in response.json()["checks"]["scheduler"]


@pytest.fixture
def redis_down(beat_seen, settings, without_calendar_check):
    beat_seen(10)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_tells_anonymous_callers_only_which_check_failed(client, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="core.health"):
        response = client.get("/healthz")
    # Redis holds no record: the tracker works without it, so the whole is degraded, not down.
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "degraded", "scheduler": "ok", "tally": "ok"},
    }
    assert "ConnectionError" not in response.content.decode()
    # The reason goes to the log, for the operators.
    assert "health check redis failed: degraded: ConnectionError" in caplog.text
    # A probe of Redis itself is told it is down.
    only = client.get("/healthz?only=redis")
    assert only.status_code == 503
    assert only.json() == {"status": "error", "checks": {"redis": "degraded"}}


def test_health_command_fails_on_a_degraded_part_only_when_asked(redis_down, capsys):
    call_command("health")
    assert "redis: degraded: ConnectionError" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("health", "--check", "redis")


def test_healthz_shows_supervisors_why(supervisor_client, redis_down):
    response = supervisor_client.get("/healthz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["redis"].startswith("degraded: ConnectionError")
    assert checks["database"] == "ok" and checks["scheduler"].startswith("ok (last seen")


def test_healthz_hides_the_reasons_from_officials(client, official_user, redis_down):
    client.force_login(official_user)
    assert client.get("/healthz").json()["checks"]["redis"] == "degraded"


def test_healthz_shows_the_configured_internal_network_why(client, redis_down, settings):
    settings.TRACKER_HEALTH_DETAIL_NETWORKS = ["192.0.2.0/24", "2001:db8::/32"]
    inside = client.get("/healthz", REMOTE_ADDR="192.0.2.10").json()["checks"]
    assert inside["redis"].startswith("degraded: ConnectionError")
    ipv6 = client.get("/healthz", REMOTE_ADDR="2001:db8::5").json()["checks"]["redis"]
    assert ipv6 != "degraded"
    outside = client.get("/healthz", REMOTE_ADDR="198.51.100.7").json()["checks"]["redis"]
    assert outside == "degraded"
    # Behind a proxy, the address the proxy saw counts, not the proxy's own.
    settings.TRACKER_PROXY_COUNT = 1
    via_proxy = client.get("/healthz", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert via_proxy.json()["checks"]["redis"] == "degraded"


def test_production_refuses_an_invalid_health_detail_network(tmp_path):
    env = {**production_environment(), "TRACKER_HEALTH_DETAIL_NETWORKS": "10.0.0.0/33"}
    result = manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "TRACKER_HEALTH_DETAIL_NETWORKS" in result.stderr


def test_health_command_exits_non_zero_when_unhealthy(beat_seen, capsys):
    beat_seen(10)
    call_command("health", "--check", "scheduler")
    assert "scheduler: ok" in capsys.readouterr().out
    Heartbeat.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("health", "--check", "scheduler")


# The scheduler closes database connections as beat does: a real transaction, not the test's.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scheduler_records_its_heartbeat_as_it_ticks():
    from config.celery import app
    from notifications.scheduler import HeartbeatScheduler

    scheduler = HeartbeatScheduler(app=app)
    scheduler.tick()
    first = Heartbeat.objects.get(process="celery-beat").beat_at
    assert timezone.now() - first < datetime.timedelta(seconds=5)
    scheduler.tick()  # within heartbeat_every: no second write
    assert Heartbeat.objects.get(process="celery-beat").beat_at == first


def test_healthz_can_check_a_subset_for_load_balancers(client, db):
    response = client.get("/healthz", {"only": "database"})  # beat never ran: not asked
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}
    assert client.get("/healthz", {"only": "disk"}).status_code == 400
