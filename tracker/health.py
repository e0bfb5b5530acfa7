"""What /healthz and `manage.py health` check: the database, Redis and the scheduler."""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat
from .scheduler import PROCESS


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_redis():
    if not settings.REDIS_URL:
        return "not configured (embedded default: filesystem broker)"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def check_scheduler():
    beat_at = Heartbeat.objects.filter(process=PROCESS).values_list("beat_at", flat=True).first()
    if beat_at is None:
        raise RuntimeError("celery beat has never run")
    silence = timezone.now() - beat_at
    limit = datetime.timedelta(seconds=settings.TRACKER_SCHEDULER_MAX_SILENCE_SECONDS)
    if silence > limit:
        raise RuntimeError(f"celery beat last seen {int(silence.total_seconds())} s ago")
    return f"ok (last seen {int(silence.total_seconds())} s ago)"


CHECKS = {"database": check_database, "redis": check_redis, "scheduler": check_scheduler}


def run_checks(names=None):
    """Returns (healthy, {name: message}); one failing check does not hide the others."""
    results, healthy = {}, True
    for name in names or CHECKS:
        try:
            results[name] = CHECKS[name]()
        except Exception as error:  # every failure is reported, whatever its kind
            healthy = False
            results[name] = f"error: {type(error).__name__}: {error}"
    return healthy, results


def healthz(request):
    """200 when every check passes, 503 naming what is wrong otherwise; `?only=database`
    (repeatable) runs a subset, for a load balancer that should not drop a web process
    because beat is down. No login: probes have none, and nothing here is secret."""
    from django.http import JsonResponse

    names = request.GET.getlist("only")
    unknown = sorted(set(names) - set(CHECKS))
    if unknown:
        return JsonResponse(
            {"only": f"unknown check(s): {', '.join(unknown)}; choose from {', '.join(CHECKS)}"},
            status=400,
        )
    healthy, results = run_checks(names or None)
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
