"""Which requests may read from the replica, with each user reading their own writes.

``ReplicaReadsMiddleware`` (installed only when DATABASE_REPLICA_URL is set) marks the safe
requests whose reads may go to the replica: statistics and the dashboard's reads
(TRACKER_REPLICA_READS=stats, the default) or every safe API read (api). The admin,
Celery tasks and commands are never marked: they read the primary. ``core.db_router`` asks
``reads_allowed()`` at the request's first read of a ledger model, and the answer holds
for the whole request, so one answer never mixes the two databases' moments.

Read-your-writes by WAL position: after an unsafe request by a signed-in user that
succeeded, the primary's ``pg_current_wal_lsn()`` (a position at or after the end of what
the request committed) is kept in the cache as ``replica:lsn:<user id>`` for a little
longer than TRACKER_REPLICA_MAX_LAG (``remembered_seconds()``). That user's marked reads use
the replica only once it has replayed past that position; everyone else's whenever it is
healthy. After that the mark is dropped: a replica still serving reads by then has passed it.

The primary answers instead when
- the replica lags more than TRACKER_REPLICA_MAX_LAG (measured on the replica at most every
  ``lag_check_seconds()`` per process: a receive position not yet replayed, for as long as
  the last replayed transaction is old);
- the replica cannot be reached (a 2 s connect timeout, settings) or is no longer a standby:
  it is then left alone for ``DOWN_SECONDS``;
- the cache (Redis) is down: nobody's last write is known;
- nobody is signed in yet (the API signs callers in inside the view: a read before that
  would not know whose writes to wait for; the question is asked again at the next read).
"""

import contextlib
import contextvars
import logging
import math
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What TRACKER_REPLICA_READS=stats sends to the replica: the statistics and the dashboard,
# whose page reads its figures from the API (a fetch from /dashboard/ names it as Referer).
STATS_PATHS = ("/api/v1/stats/", "/api/v1/rankings/", "/api/v1/reporting/", "/dashboard/")
DASHBOARD_PATH = "/dashboard/"
# The keyset sync's parameters (core.rest.sync): such reads stay on the primary.
SYNC_PARAMETERS = frozenset({"updated_after", "after_id"})
# Seconds an unreachable replica is left alone before it is tried again.
DOWN_SECONDS = 10

# On a standby: whether it is one, and how many seconds behind the primary it is, given
# the primary's WAL position read just before: replayed past it, not behind at all (an idle
# primary); otherwise the age of the last transaction it replayed (none since it started:
# far). Measured against the primary, never against what the standby itself received: a
# standby whose stream has stopped has replayed all it received and would look current.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn
            THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
       END
"""
REPLAYED_SQL = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"

_request_reads = contextvars.ContextVar("replica_reads", default=None)


def lsn_key(user_id):
    return f"replica:lsn:{user_id}"


def lag_check_seconds():
    """How often a process measures the replica's lag: often enough to notice it pass the
    max lag soon, rarely enough to cost nothing."""
    return min(5.0, max(0.5, settings.TRACKER_REPLICA_MAX_LAG / 2))


class Health:
    """The replica's health as this process last saw it, shared by its threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.checked_at = float("-inf")
        self.fresh = None  # a standby within the max lag at the last check (None: unchecked)

    def down(self):
        return time.monotonic() < self.down_until

    def mark_down(self, error):
        with self.lock:
            was_up = not self.down()
            self.down_until = time.monotonic() + DOWN_SECONDS
            self.checked_at = float("-inf")
        if was_up:
            logger.warning(
                "read replica unavailable, reading the primary for %s s: %s: %s",
                DOWN_SECONDS,
                type(error).__name__,
                error,
            )

    def due(self):
        return time.monotonic() - self.checked_at >= lag_check_seconds()

    def record(self, in_recovery, lag):
        fresh = bool(in_recovery) and float(lag) <= settings.TRACKER_REPLICA_MAX_LAG
        with self.lock:
            was_fresh, self.fresh = self.fresh, fresh
            self.checked_at = time.monotonic()
        if not fresh and was_fresh is not False:  # said once, when it starts
            logger.warning(
                "read replica %s, reading the primary",
                f"{float(lag):.1f} s behind" if in_recovery else "is not a standby",
            )


health = Health()


def replica_usable():
    """Whether this process may read from the replica now (lag and reachability). Runs a
    query on the replica: its connection is checked for this request (CONN_HEALTH_CHECKS),
    so a replica that went away is found before a view's query would fail on it."""
    if health.down():
        return False
    try:
        primary_lsn = current_wal_lsn() if health.due() else None
        with connections[REPLICA].cursor() as cursor:
            if primary_lsn is not None:
                cursor.execute(LAG_SQL, [primary_lsn])
                health.record(*cursor.fetchone())
    except DatabaseError as error:
        health.mark_down(error)
        _close_quietly()
        return False
    return bool(health.fresh)


def replayed(lsn):
    """Whether the replica has replayed past ``lsn`` (a user's last write)."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(REPLAYED_SQL, [lsn])
            return bool(cursor.fetchone()[0])
    except DatabaseError as error:
        health.mark_down(error)
        _close_quietly()
        return False


def _close_quietly():
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def cache_down():
    """Whether the cache's last call failed (core.cache fails open: a lost Redis answers
    "nothing stored", which must not read as "no recent write")."""
    breaker = getattr(cache, "_breaker", None)
    return breaker is not None and breaker.down


def signed_in(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def decide(request):
    """Whether this marked, signed-in request's reads go to the replica."""
    lsn = cache.get(lsn_key(request.user.pk))
    if cache_down():
        return False
    if not replica_usable():
        return False
    return lsn is None or replayed(lsn)


class RequestReads:
    """One marked request's answer, decided at its first ledger read."""

    def __init__(self, request):
        self.request = request
        self.answer = None
        self.deciding = False

    def allowed(self):
        if self.answer is None:
            # A read made while deciding (the user's own row), or before the API has signed
            # the caller in: the primary, and the question stays open.
            if self.deciding or not signed_in(self.request):
                return False
            self.deciding = True
            try:
                self.answer = decide(self.request)
            finally:
                self.deciding = False
        return self.answer


def reads_allowed():
    """For core.db_router: whether the request being served may read from the replica."""
    reads = _request_reads.get()
    return reads is not None and reads.allowed()


def marked(request):
    """Whether a request's reads may go to the replica (TRACKER_REPLICA_READS)."""
    mode = settings.TRACKER_REPLICA_READS
    if request.method not in SAFE_METHODS or mode == "off":
        return False
    path = request.path_info
    if SYNC_PARAMETERS & request.GET.keys() or request.GET.get("ordering") == "updated_at":
        # A syncing client's position must never pass a row the primary committed: its
        # settle window (TRACKER_SYNC_SETTLE_SECONDS) does not cover a replica's lag.
        return False
    if mode == "api":
        return path.startswith("/api/") or path.startswith(DASHBOARD_PATH)
    if path.startswith(STATS_PATHS):
        return True
    referer = urlsplit(request.META.get("HTTP_REFERER", "")).path
    return path.startswith("/api/") and referer.startswith(DASHBOARD_PATH)


def remember_write(request):
    """After a successful write by a signed-in user: their reads wait for the replica to
    pass this WAL position."""
    if not signed_in(request):
        return
    try:
        lsn = current_wal_lsn()
    except DatabaseError as error:  # the write is done; its answer must still go out
        logger.warning("could not read the primary's WAL position: %s", error)
        return
    key = lsn_key(request.user.pk)
    # Two writes of one user finishing together: keep the later position (compared as
    # pg_lsn would, by its two hex halves). A get and a set, not one atomic step: the
    # window left is two writes of the same user answered within the same milliseconds.
    stored = cache.get(key)
    if stored is None or lsn_order(stored) < lsn_order(lsn):
        cache.set(key, str(lsn), timeout=remembered_seconds())


def current_wal_lsn():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def lsn_order(lsn):
    high, low = str(lsn).split("/")
    return int(high, 16), int(low, 16)


def remembered_seconds():
    """How long a user's last write is waited for: past it, a replica still serving is at
    most the max lag behind, measured at most one lag check ago; either way past the write."""
    return math.ceil(settings.TRACKER_REPLICA_MAX_LAG + lag_check_seconds()) + 1


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if marked(request):
            token = _request_reads.set(RequestReads(request))
            try:
                return self.get_response(request)
            finally:
                _request_reads.reset(token)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            remember_write(request)
        return response
