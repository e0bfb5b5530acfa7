"""What /healthz and `manage.py health` check, and how they answer.

The checks are named in ``settings.TRACKER_HEALTH_CHECKS`` ({name: dotted path}), so the
floor runs them without knowing the apps: the database and Redis checks live here, the
scheduler's in ``notifications.health``. A check returns a message or raises.
"""

import functools
import ipaddress
import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.module_loading import import_string

from .client_ip import client_ip
from .ownership import is_supervisor

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


def checks():
    """{name: check} in the order of ``settings.TRACKER_HEALTH_CHECKS``."""
    return {name: import_string(path) for name, path in settings.TRACKER_HEALTH_CHECKS.items()}


def check_each(names=None):
    """{name: (passed, message)}; one failing check does not hide the others."""
    available = checks()
    results = {}
    for name in names or available:
        try:
            results[name] = (True, available[name]())
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
    known = settings.TRACKER_HEALTH_CHECKS
    unknown = sorted(set(names) - set(known))
    if unknown:
        return JsonResponse(
            {"only": f"unknown check(s): {', '.join(unknown)}; choose from {', '.join(known)}"},
            status=400,
        )
    results = check_each(names or None)
    healthy = all(passed for passed, _ in results.values())
    for name, (passed, message) in results.items():
        if not passed:
            logger.warning("health check %s failed: %s", name, message)
    if may_see_details(request):
        shown = {name: message for name, (_, message) in results.items()}
    else:
        shown = {name: "ok" if passed else "error" for name, (passed, _) in results.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": shown},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
