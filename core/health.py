"""What /healthz and `manage.py health` check, and how they answer.

The checks are named in ``settings.TRACKER_HEALTH_CHECKS`` ({name: dotted path}), so the
floor runs them without knowing the apps: the database and Redis checks live here, the
scheduler's in ``notifications.health``. A check returns a message or raises; it raises
``Degraded`` when its part is down but nobody is stopped (Redis: the cache and the broker
hold no record), which /healthz reports without failing, unless that check alone is asked.
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

OK, DEGRADED, ERROR = "ok", "degraded", "error"


class Degraded(Exception):
    """A part is down, and the tracker works without it (more slowly, or later)."""


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_redis():
    if not settings.REDIS_URL:
        return "not configured (embedded default: filesystem broker)"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError) as error:
        # The API and the admin fail open without it (core.cache), and beat's scans catch up
        # on the dispatch log when the broker returns: degraded, not down.
        raise Degraded(f"{type(error).__name__}: {error}") from error
    finally:
        client.close()
    return "ok"


def checks():
    """{name: check} in the order of ``settings.TRACKER_HEALTH_CHECKS``."""
    return {name: import_string(path) for name, path in settings.TRACKER_HEALTH_CHECKS.items()}


def check_each(names=None):
    """{name: (state, message)}, state OK, DEGRADED or ERROR; one failing check does not
    hide the others."""
    available = checks()
    results = {}
    for name in names or available:
        try:
            results[name] = (OK, available[name]())
        except Degraded as error:
            results[name] = (DEGRADED, f"degraded: {error}")
        except Exception as error:  # every failure is reported, whatever its kind
            results[name] = (ERROR, f"error: {type(error).__name__}: {error}")
    return results


def overall(results, asked):
    """OK, DEGRADED or ERROR for the whole. A check asked by name (`?only=redis`, a probe of
    that part) fails when its part is degraded; among all checks, a degraded part does not."""
    states = {state for state, _ in results.values()}
    if ERROR in states or (asked and DEGRADED in states):
        return ERROR
    return DEGRADED if DEGRADED in states else OK


def run_checks(names=None):
    """Returns (healthy, {name: message}), for `manage.py health`, judged as /healthz does."""
    results = check_each(names)
    return overall(results, bool(names)) != ERROR, {
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
    """200 when every check passes or is only degraded ("status": "degraded"), 503
    otherwise; `?only=database` (repeatable) runs a subset, for a load balancer that should
    not drop a web process because beat is down; a part asked by name answers 503 when it
    is degraded.
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
    status = overall(results, bool(names))
    for name, (state, message) in results.items():
        if state != OK:
            logger.warning("health check %s failed: %s", name, message)
    if may_see_details(request):
        shown = {name: message for name, (_, message) in results.items()}
    else:
        shown = {name: state for name, (state, _) in results.items()}
    return JsonResponse(
        {"status": status, "checks": shown},
        status=503 if status == ERROR else 200,
        json_dumps_params={"ensure_ascii": False},
    )
