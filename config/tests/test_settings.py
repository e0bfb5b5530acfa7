"""Settings come from the environment, with embedded defaults that need no services."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "email_port": getattr(settings, "EMAIL_PORT", 0),
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
}))
"""


def settings_under(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "TRACKER_VAR_DIR",
        }
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", TRACKER_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_no_variables_means_sqlite_files_and_no_services(tmp_path):
    values = settings_under(tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "tracker.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["broker"] == "filesystem://"
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert (values["language"], values["time_zone"]) == ("zh-hans", "Asia/Shanghai")


def test_variables_select_postgresql_redis_and_smtp(tmp_path):
    values = settings_under(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://127.0.0.1:2525",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["cache"].endswith("RedisCache")
    assert values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["email_host"], values["email_port"]) == ("127.0.0.1", 2525)


requires_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL not set (CI sets it to the real Redis)"
)


@requires_redis
def test_cache_round_trips_through_real_redis():
    key = f"test:{uuid.uuid4()}"
    cache.set(key, {"万元": "117.77"}, timeout=30)
    assert cache.get(key) == {"万元": "117.77"}
    cache.delete(key)
    assert cache.get(key) is None


@requires_redis
def test_celery_reaches_the_real_broker():
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=3)
        assert connection.connected
