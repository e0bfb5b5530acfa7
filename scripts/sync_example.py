#!/usr/bin/env python3
"""Mirror the tracker's projects (or any of its lists) into a local SQLite file, and keep it
in step. An example for developers of other systems: standard library only; copy and adapt.

    export TRACKER_TOKEN=...      # an API token made by a supervisor in the tracker's admin
    python3 sync_example.py https://tracker.example.gov.cn                  # projects, once
    python3 sync_example.py https://tracker.example.gov.cn --resource tasks --watch 60

The first run copies everything; each later run asks only for what changed since the last
row it stored, then for what was deleted. Each list resource becomes a table
``(id, updated_at, data)`` where ``data`` is the object's JSON as the API gave it (query it
with SQLite's ``json_extract(data, '$.name')``). How it works: docs/integrations.md,
"Incremental sync".
"""

import argparse
import email.utils
import http.client
import json
import os
import signal
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from urllib.parse import urlencode

# The API's list resources and the model label under which their deletions are recorded.
RESOURCES = {
    "divisions": "regions.division",
    "parks": "regions.park",
    "pairings": "regions.counterpartpairing",
    "departments": "tracker.department",
    "work-points": "tracker.workpoint",
    "tasks": "tracker.keytask",
    "industry-chains": "projects.industrychain",
    "projects": "projects.project",
    "blockers": "projects.blocker",
    "cooperation-items": "cooperation.cooperationitem",
    "counterparts": "cooperation.counterpart",
    "agreement-areas": "cooperation.agreementarea",
    "targets": "performance.target",
    "bulletins": "bulletins.bulletin",
}
PAGE_SIZE = 500  # the API's maximum: fewer round trips for the first copy
BEGINNING = "1970-01-01T00:00:00Z"  # the cursor of a feed never read: before every row
ATTEMPTS = 6  # per request, for 429, 5xx and network errors; then the pass gives up
LONGEST_WAIT = 300  # seconds; a Retry-After beyond this is not believed
LARGEST_ANSWER = 64 * 1024 * 1024  # bytes; 500 rows are far less, more is a wrong answer


class SyncError(Exception):
    """A request that failed for good (after the retries), or an answer we cannot use."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # The API never redirects. Following one could send the token to another host, so a
    # 3xx is an error: correct the base URL instead (http:// where https:// is served?).
    def redirect_request(self, *args, **kwargs):
        return None


class Api:
    """GET requests to the tracker's API with a token, bounded retries and ETags."""

    def __init__(self, base_url, token, *, sleep=time.sleep, timeout=30):
        self.base = base_url.rstrip("/") + "/api/v1/"
        self.token = token
        self.sleep = sleep  # a test passes a recorder instead of waiting
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_RefuseRedirects)

    def get(self, path, query, etag=None):
        """(status, page or None, ETag): 200 with the decoded page, or 304 (not modified)."""
        url = f"{self.base}{path}?{urlencode(query)}"
        for attempt in range(1, ATTEMPTS + 1):
            request = urllib.request.Request(url, headers={"Accept": "application/json"})
            request.add_unredirected_header("Authorization", f"Token {self.token}")
            if etag:
                request.add_header("If-None-Match", etag)
            try:
                with self.opener.open(request, timeout=self.timeout) as answer:
                    body = answer.read(LARGEST_ANSWER + 1)
                    if len(body) > LARGEST_ANSWER:
                        raise SyncError(f"{path}: answer larger than {LARGEST_ANSWER} bytes")
                    if answer.length:  # bytes still owed: the connection dropped half way
                        raise http.client.IncompleteRead(body, answer.length)
                    return answer.status, json.loads(body), answer.headers.get("ETag")
            except urllib.error.HTTPError as error:  # urllib raises for every status >= 300
                detail = error.read(500).decode(errors="replace")
                error.close()
                if error.code == 304:
                    return 304, None, etag
                if error.code != 429 and error.code < 500:  # our mistake: retrying won't help
                    raise SyncError(f"{error.code} from {path}: {detail}") from None
                wait = retry_after(error.headers.get("Retry-After"), attempt)
                problem = f"{error.code} from {path}"
            except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
                # refused, reset, timed out, cut off half way
                wait, problem = backoff(attempt), f"{path}: {error}"
            except ValueError as error:  # a 200 whose body is not JSON
                raise SyncError(f"{path}: not JSON ({error})") from None
            if attempt == ATTEMPTS:
                raise SyncError(f"{problem}, {ATTEMPTS} attempts")
            print(f"{problem}; again in {wait:.0f} s", file=sys.stderr)
            self.sleep(wait)
        raise AssertionError("unreachable")


def backoff(attempt):
    """1, 2, 4, 8, 16 s: long enough for a restarting server, short enough for a poll."""
    return min(2 ** (attempt - 1), LONGEST_WAIT)


def retry_after(value, attempt):
    """Seconds to wait for a Retry-After header (seconds or an HTTP date), else back off."""
    if value and value.strip().isdigit():
        return min(int(value), LONGEST_WAIT)
    try:
        when = email.utils.parsedate_to_datetime(value)
        # timezone.utc, not datetime.UTC: the example runs on Python 3.8 and later.
        now = datetime.now(timezone.utc)  # noqa: UP017
        return min(max((when - now).total_seconds(), 0), LONGEST_WAIT)
    except (TypeError, ValueError):
        return backoff(attempt)


class Mirror:
    """The local SQLite file: one table per resource, and where each feed stopped."""

    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS sync_state"
            " (feed TEXT PRIMARY KEY, after TEXT NOT NULL, after_id INTEGER NOT NULL, etag TEXT)"
        )

    @staticmethod
    def table(resource):
        return resource.replace("-", "_")  # names come from RESOURCES only, never from input

    def ensure_table(self, resource):
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table(resource)}"
            " (id INTEGER PRIMARY KEY, updated_at TEXT NOT NULL, data TEXT NOT NULL)"
        )

    def cursor(self, feed):
        row = self.db.execute(
            "SELECT after, after_id, etag FROM sync_state WHERE feed = ?", (feed,)
        ).fetchone()
        return row or (BEGINNING, 0, None)

    def move_cursor(self, feed, after, after_id, etag):
        self.db.execute(
            "INSERT INTO sync_state (feed, after, after_id, etag) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (feed) DO UPDATE SET after = excluded.after,"
            " after_id = excluded.after_id, etag = excluded.etag",
            (feed, after, after_id, etag),
        )

    def store(self, resource, rows):
        self.db.executemany(
            f"INSERT INTO {self.table(resource)} (id, updated_at, data) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at,"
            " data = excluded.data",
            [(int(r["id"]), str(r["updated_at"]), json.dumps(r, ensure_ascii=False)) for r in rows],
        )

    def remove(self, resource, tombstones):
        self.db.executemany(
            f"DELETE FROM {self.table(resource)} WHERE id = ?",
            [(int(t["object_id"]),) for t in tombstones],
        )


def follow(api, mirror, feed, path, query, after_param, stamp, apply, page_size):
    """Read one feed from where it stopped until the API has nothing newer.

    Keyset paging: rows come in (``stamp``, id) order and each request asks for the rows
    after the last one stored (``after_param`` = its stamp, ``after_id`` = its id), so rows
    changed meanwhile are neither skipped nor repeated.
    The API holds back rows changed in the last few seconds (its settle window); they come
    in the next pass. Returns (rows applied, answers that were 304 Not Modified).
    """
    applied = not_modified = 0
    while True:
        after, after_id, etag = mirror.cursor(feed)
        since = {after_param: after, "after_id": after_id}
        # The ETag is that of the last empty answer: a 304 means "still nothing new".
        status, page, new_etag = api.get(path, {**query, **since, "page_size": page_size}, etag)
        if status == 304:
            return applied, not_modified + 1
        try:
            if page["count"] is not None:  # a page-number answer: its order would not hold
                raise SyncError(f"{path}: not a keyset page (is ordering=updated_at ignored?)")
            rows = page["results"]
            with mirror.db:  # the rows and the cursor in one transaction: a crash repeats
                apply(rows)  # at most this page, and never skips one
                last = rows[-1] if rows else None
                mirror.move_cursor(
                    feed,
                    last[stamp] if last else after,
                    int(last["id"]) if last else after_id,
                    None if last else new_etag,
                )
        except (KeyError, TypeError, ValueError) as error:
            raise SyncError(f"{path}: unexpected answer ({error!r})") from None
        applied += len(rows)
        if page.get("next") is None:  # a short page: nothing newer (yet)
            return applied, not_modified


def sync(api, mirror, resource, page_size=PAGE_SIZE):
    """One pass for one resource: what changed, then what was deleted. Returns counts."""
    mirror.ensure_table(resource)
    changed, unchanged = follow(
        api,
        mirror,
        resource,
        f"{resource}/",
        {"ordering": "updated_at"},
        "updated_after",
        "updated_at",
        lambda rows: mirror.store(resource, rows),
        page_size,
    )
    deleted, gone_unchanged = follow(
        api,
        mirror,
        f"deleted:{resource}",
        "deleted/",
        {"model": RESOURCES[resource]},
        "deleted_after",
        "deleted_at",
        lambda rows: mirror.remove(resource, rows),
        page_size,
    )
    return {"changed": changed, "deleted": deleted, "not_modified": unchanged + gone_unchanged}


def run(api, mirror, resources, *, page_size=PAGE_SIZE, watch=None, stop=None, out=sys.stdout):
    """One pass over ``resources``; with ``watch`` (seconds) again and again until ``stop``
    (a threading.Event) is set. A failed pass is reported; under ``watch`` the next one
    starts from where it stopped. Returns 0, or 1 when the (last) pass failed."""
    stop = stop or threading.Event()
    while True:
        status = 0
        for resource in resources:
            try:
                counts = sync(api, mirror, resource, page_size)
            except SyncError as error:
                print(f"{resource}: failed: {error}", file=sys.stderr)
                status = 1
                continue
            print(
                f"{resource}: {counts['changed']} changed, {counts['deleted']} deleted, "
                f"{counts['not_modified']} not modified",
                file=out,
                flush=True,
            )
        if watch is None or stop.wait(watch):
            return status


def stop_on_signals():
    """Ctrl-C and SIGTERM (a service manager, docker stop) both stop a --watch loop the
    same way. SIGINT is set explicitly: a shell starts a background job with it ignored,
    and Python then installs no Ctrl-C handler of its own."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="the tracker's address, e.g. https://tracker.example")
    parser.add_argument("--db", default="tracker_mirror.sqlite3", help="the SQLite file")
    parser.add_argument(
        "--resource",
        action="append",
        choices=sorted(RESOURCES),
        help="a list to mirror (repeatable; default: projects)",
    )
    parser.add_argument("--watch", type=float, metavar="N", help="poll every N seconds")
    parser.add_argument(
        "--page-size", type=int, default=PAGE_SIZE, help=f"rows per request (1-{PAGE_SIZE})"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.page_size <= PAGE_SIZE:
        parser.error(f"--page-size must be between 1 and {PAGE_SIZE}")
    token = os.environ.get("TRACKER_TOKEN", "").strip()
    if not token:
        parser.error("set TRACKER_TOKEN to an API token (never pass it on the command line)")
    api = Api(args.base_url, token)
    mirror = Mirror(args.db)
    stop_on_signals()
    try:
        resources = args.resource or ["projects"]
        return run(api, mirror, resources, page_size=args.page_size, watch=args.watch)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: every stored page is complete
        return 130
    finally:
        mirror.db.close()


if __name__ == "__main__":
    sys.exit(main())
