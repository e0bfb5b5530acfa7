"""What /healthz and `manage.py health` check: the database, Redis and the scheduler."""

import datetime
import functools
import ipaddress
import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from core.client_ip import client_ip

from .models import Heartbeat
from .permissions import is_supervisor
from .scheduler import PROCESS

logger = logging.getLogger(__name__)


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


def check_each(names=None):
    """{name: (passed, message)}; one failing check does not hide the others."""
    results = {}
    for name in names or CHECKS:
        try:
            results[name] = (True, CHECKS[name]())
        except Exception as error:  # every failure is reported, whatever its kind
            results[name] = (False, f"error: {type(error).__name__}: {error}")
    return results


def run_checks(names=None):
    """Returns (healthy, {name: message}), for `manage.py health`."""
    results = check_each(names)
    return all(passed for passed, _ in results.values()), {
        name: message for name, (_, message) in results.items()
    }


def may_see_details(request):
    """Hosts, ports and error messages help an attacker map the network: only supervisors
    and monitoring on a configured internal network see them."""
    if is_supervisor(request.user):
        return True
    address = client_ip(request)
    if not address or not settings.TRACKER_HEALTH_DETAIL_NETWORKS:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in detail_networks(tuple(settings.TRACKER_HEALTH_DETAIL_NETWORKS)))


@functools.lru_cache(maxsize=4)
def detail_networks(networks):
    """Parsed once per setting value, not on every probe."""
    return [ipaddress.ip_network(net) for net in networks]


def healthz(request):
    """200 when every check passes, 503 otherwise; `?only=database` (repeatable) runs a
    subset, for a load balancer that should not drop a web process because beat is down.
    No login: probes have none. Anyone sees "ok" or "error" per check; why a check failed
    goes to the log and to those ``may_see_details`` allows."""
    names = request.GET.getlist("only")
    unknown = sorted(set(names) - set(CHECKS))
    if unknown:
        return JsonResponse(
            {"only": f"unknown check(s): {', '.join(unknown)}; choose from {', '.join(CHECKS)}"},
            status=400,
        )
    results = check_each(names or None)
    healthy = all(passed for passed, _ in results.values())
    for name, (passed, message) in results.items():
        if not passed:
            logger.warning("health check %s failed: %s", name, message)
    if may_see_details(request):
        checks = {name: message for name, (_, message) in results.items()}
    else:
        checks = {name: "ok" if passed else "error" for name, (passed, _) in results.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
