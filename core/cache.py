"""Django's Redis cache, failing open: when Redis is down, the cache answers "nothing
cached" and the request goes on.

Why fail open: Redis holds no record here (PostgreSQL holds every project, task, report and
dispatch); the cache only keeps counters for the API's rate limits and the invalid-token
limiter. Failing closed would turn a Redis outage into an outage of the admin, the API and
the dashboards for every official, to protect against a burst of requests that the
database and gunicorn's worker count bound anyway; failing open costs, for the minutes
Redis is down, only those limits. The logins' lockout does not depend on it (django-axes
counts in the database).

A circuit breaker keeps a dead or hung Redis from costing every call its socket timeout:
after a failure every process skips Redis for ``RETRY_AFTER`` seconds (OPTIONS, default 5)
and then tries again, so it recovers by itself when Redis returns, without a restart. One
warning per ``WARN_EVERY`` seconds (60) at most says Redis is unreachable, with how many
calls were skipped meanwhile; an info line (as rare) says when it answers again.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Unreachable, refused, reset, timed out, still loading its data; or up but refusing
# writes (a replica after a failover, out of memory, a failed snapshot: MISCONF): all
# mean "no usable Redis now". Any other error is a bug and is raised.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError, ReadOnlyError, OutOfMemoryError)


def unavailable(error):
    return isinstance(error, UNAVAILABLE) or (
        isinstance(error, ResponseError) and str(error).startswith("MISCONF")
    )


class Breaker:
    """Whether to try Redis now, shared by every thread of a process (Django makes one
    cache object per thread), and the rate of the warning lines."""

    def __init__(self, retry_after, warn_every):
        self.retry_after = retry_after
        self.warn_every = warn_every
        self.lock = threading.Lock()
        self.open_until = 0.0  # monotonic time before which Redis is not tried
        self.down = False
        self.last_warning = float("-inf")
        self.last_recovery = float("-inf")
        self.skipped = 0

    def allows(self):
        with self.lock:
            if time.monotonic() < self.open_until:
                self.skipped += 1
                return False
            return True

    def failed(self, location, error):
        with self.lock:
            now = time.monotonic()
            self.open_until = now + self.retry_after
            self.down = True
            if now - self.last_warning < self.warn_every:
                self.skipped += 1
                return
            self.last_warning, skipped, self.skipped = now, self.skipped, 0
        logger.warning(
            "cache unavailable, failing open (no rate limits) for %s s at a time: %s: %s: %s; "
            "%d calls skipped since the last warning",
            self.retry_after,
            location,
            type(error).__name__,
            error,
            skipped,
        )

    def succeeded(self, location):
        if not self.down:  # the usual case: no lock taken
            return
        with self.lock:
            was_down, self.down = self.down, False
            # A flapping Redis is reported once per WARN_EVERY, not at every recovery.
            now = time.monotonic()
            report = was_down and now - self.last_recovery >= self.warn_every
            if report:
                self.last_recovery = now
        if report:
            logger.info("cache available again: %s", location)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, retry_after, warn_every):
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker(retry_after, warn_every))


def reset_breakers():
    """Forget every outage (tests that start and stop their own Redis)."""
    with _breakers_lock:
        _breakers.clear()


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` (and its table of some 170 reply
    callbacks) for every cache call: three a request with the API's rate limits, a
    millisecond of a request's CPU. One per connection pool serves every call, as a
    ``redis.Redis`` is shared safely between threads (each command borrows a connection
    from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """``RedisCache`` whose every operation, when Redis is unreachable, returns what an
    empty cache would and logs (rarely) instead of raising."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_after = float(options.pop("RETRY_AFTER", 5))
        warn_every = float(options.pop("WARN_EVERY", 60))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = SharedClientRedisCacheClient
        self._location = ",".join(self._servers)
        self._breaker = breaker_for(self._location, retry_after, warn_every)

    def _guard(self, fallback, operation, *args, **kwargs):
        if not self._breaker.allows():
            return fallback
        try:
            result = operation(*args, **kwargs)
        except (*UNAVAILABLE, ResponseError) as error:
            if not unavailable(error):
                raise
            self._breaker.failed(self._location, error)
            return fallback
        self._breaker.succeeded(self._location)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Unknown count: as if the key had just started at zero (a limiter counts on).
        return self._guard(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, super().delete_many, keys, version)

    def clear(self):
        return self._guard(False, super().clear)
