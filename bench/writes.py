"""Status reports per second: the API's POST against the database doing the same work.

    python bench/writes.py --url http://127.0.0.1:8000 --token KEY --database-url URL \\
        --tenant 137100 [--clients 4] [--seconds 20] [--markdown] [--json FILE]

Run against a running server (bench/run.py starts one and calls this in its own process,
so that the clients' CPU time is not the bench's). Two phases of ``--seconds`` each:

1. The API: ``--clients`` threads, each with one keep-alive connection and its own share
   of the tenant's projects (no two clients post to one project: the figure is
   throughput, not waits on a row lock), POST a report after another. Each report keeps
   its project's stage and raises its funds in place by 0.01 (10,000 yuan), dated
   today: every one is valid, and each goes the whole way (lock, rules, history, events).
2. The floor: the same rows written over ``--clients`` psycopg connections, one
   transaction per report: lock the project, read its latest report date, UPDATE it,
   INSERT its history row, INSERT the report and its history row, COMMIT. Triggers on
   the tables (the statistics' tally) run in both.
3. The ceiling: the same clients GET the API's root with the same token, a request that
   writes and reads nothing but the token (middleware, authentication, rate limit, DRF):
   no API request, a write least of all, goes faster through this server on this machine.

Prints reports per second of both and their ratio. The reports stay in the database
(dated today): the bench's database is disposable (``make bench-data`` reloads it).
"""

import argparse
import datetime
import http.client
import json
import statistics
import threading
import time
from decimal import Decimal
from functools import partial
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import psycopg

STEP = Decimal("0.01")
# Columns simple-history adds to a historical table; the rest copy the row.
HISTORY_COLUMNS = ("history_id", "history_date", "history_change_reason", "history_type")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def pick_projects(connection, tenant, count):
    """[(id, stage, funds)] of the tenant's projects with room for their funds to grow."""
    return connection.execute(
        "SELECT id, stage, funds_in_place FROM projects_project "
        "WHERE tenant_id = %s AND total_investment - funds_in_place >= 100 "
        "ORDER BY id LIMIT %s",
        [tenant, count],
    ).fetchall()


class Projects:
    """One client's share: its projects in turn, each one's funds counted on."""

    def __init__(self, rows):
        self.rows = [[pk, stage, funds] for pk, stage, funds in rows]
        self.next = 0

    def take(self):
        row = self.rows[self.next % len(self.rows)]
        self.next += 1
        row[2] += STEP
        return row


def http_client(url, token, next_request, expected, deadline, results):
    """One keep-alive connection sending ``next_request()`` (method, path, body, extra
    headers) until the deadline; a latency per ``expected`` status, an error otherwise."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    latencies, errors = [], []
    while time.perf_counter() < deadline:
        method, path, body, extra = next_request()
        headers = {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https", **extra}
        started = time.perf_counter()
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = response.read()
        if response.status == expected:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            errors.append(f"{response.status} {content[:300]!r}")
    connection.close()
    results.append((latencies, errors))


def api_client(url, token, projects, deadline, results, *, today):
    def report():
        pk, stage, funds = projects.take()
        body = json.dumps({"reported_on": today, "stage": stage, "funds_in_place": str(funds)})
        path = f"/api/v1/projects/{pk}/updates/"
        return "POST", path, body, {"Content-Type": "application/json"}

    http_client(url, token, report, 201, deadline, results)


def root_client(url, token, _projects, deadline, results):
    http_client(url, token, lambda: ("GET", "/api/v1/", None, {}), 200, deadline, results)


class Floor:
    """The API's rows of one report, as plain SQL."""

    def __init__(self, connection):
        self.project_history = self.copy_sql(connection, "projects_project", "'~'")
        self.report_history = self.copy_sql(connection, "projects_projectupdate", "'+'")

    @staticmethod
    def copy_sql(connection, table, kind):
        """INSERT of ``table``'s history row: its columns copied, then who and when."""

        def columns(name):
            return [
                row[0]
                for row in connection.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = %s ORDER BY ordinal_position",
                    [name],
                )
            ]

        history = "projects_historical" + table.removeprefix("projects_")
        base = set(columns(table))
        copied = [c for c in columns(history) if c not in HISTORY_COLUMNS and c in base]
        copied = [c for c in copied if c != "history_user_id"]
        names = ", ".join(copied)
        return (
            f"INSERT INTO {history} ({names}, history_date, history_type, history_user_id) "
            f"SELECT {names}, now(), {kind}, %s FROM {table} WHERE id = %s"
        )

    def write(self, connection, row, author, today):
        pk, stage, funds = row
        with connection.transaction():
            connection.execute("SELECT id FROM projects_project WHERE id = %s FOR UPDATE", [pk])
            connection.execute(
                "SELECT reported_on FROM projects_projectupdate WHERE project_id = %s "
                "ORDER BY reported_on DESC LIMIT 1",
                [pk],
            ).fetchone()
            connection.execute(
                "UPDATE projects_project SET funds_in_place = %s, version = version + 1, "
                "updated_at = now() WHERE id = %s",
                [funds, pk],
            )
            connection.execute(self.project_history, [author, pk])
            report = connection.execute(
                "INSERT INTO projects_projectupdate (reported_on, note, author_id, created_at, "
                "project_id, stage, funds_in_place, is_correction, capital_increase) "
                "VALUES (%s, '', %s, now(), %s, %s, %s, false, 0) RETURNING id",
                [today, author, pk, stage, funds],
            ).fetchone()[0]
            connection.execute(self.report_history, [author, report])


def floor_client(database_url, projects, deadline, results, *, author, today):
    latencies = []
    with psycopg.connect(database_url, autocommit=True) as connection:
        floor = Floor(connection)
        while time.perf_counter() < deadline:
            row = projects.take()
            started = time.perf_counter()
            floor.write(connection, row, author, today)
            latencies.append((time.perf_counter() - started) * 1000)
    results.append((latencies, []))


def run_phase(client, shares, seconds):
    """``client(share, deadline, results)`` in a thread per share until the deadline."""
    results = []
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=client, args=(share, deadline, results)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [value for mine, _errors in results for value in mine]
    errors = [error for _mine, mine in results for error in mine]
    return {
        "reports": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else None,
        "p95": percentile(latencies, 0.95) if latencies else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def measure(args):
    # The server's today (a report may not be dated after it, nor before the project's
    # latest): after 16:00 UTC the machine's date is still yesterday in Shanghai.
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    with psycopg.connect(args.database_url, autocommit=True) as connection:
        rows = pick_projects(connection, args.tenant, args.projects)
        author = connection.execute(
            "SELECT id FROM auth_user WHERE username = %s", [args.author]
        ).fetchone()
    if len(rows) < args.clients:
        raise SystemExit(f"Tenant {args.tenant} has too few projects to post reports to.")
    author = author[0] if author else None
    shares = [Projects(rows[i :: args.clients]) for i in range(args.clients)]
    # Warm every server worker (a first request loads URLs, translations, caches).
    client = partial(api_client, args.url, args.token, today=today)
    run_phase(client, shares, min(2.0, args.seconds))
    api = run_phase(client, shares, args.seconds)
    # The floor continues from what the API left: the same projects, funds still rising.
    floor = run_phase(
        partial(floor_client, args.database_url, author=author, today=today), shares, args.seconds
    )
    ceiling = run_phase(partial(root_client, args.url, args.token), shares, args.seconds)
    return {
        "clients": args.clients,
        "seconds": args.seconds,
        "tenant": args.tenant,
        "api": api,
        "sql": floor,
        "api_root": ceiling,
        "ratio": floor["per_second"] / api["per_second"] if api["per_second"] else None,
    }


def text(figures):
    api, floor = figures["api"], figures["sql"]
    lines = [
        f"report writes: {figures['clients']} clients for {figures['seconds']:g} s each, "
        f"projects of tenant {figures['tenant']}",
        f"  API POST /projects/{{id}}/updates/  {api['per_second']:8.1f} reports/s  "
        f"p50 {api['p50'] or 0:6.1f} ms  p95 {api['p95'] or 0:6.1f} ms  errors {api['errors']}",
        f"  SQL floor, same rows             {floor['per_second']:8.1f} reports/s  "
        f"p50 {floor['p50'] or 0:6.1f} ms  p95 {floor['p95'] or 0:6.1f} ms",
        f"  floor ÷ API: {figures['ratio'] or 0:.1f}×",
    ]
    if root := figures.get("api_root"):
        lines.insert(
            3,
            f"  ceiling: GET /api/v1/, same token {root['per_second']:8.1f} requests/s "
            f"p50 {root['p50'] or 0:6.1f} ms  p95 {root['p95'] or 0:6.1f} ms",
        )
    if api["first_error"]:
        lines.append(f"  first API error: {api['first_error']}")
    return "\n".join(lines)


def markdown(figures):
    # The bench's report module (run as a script, this file's folder is on the path).
    from report import writes_table

    return "\n".join(writes_table(figures))


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the running server, http://host:port")
    parser.add_argument("--token", required=True, help="a read-write token of --author")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tenant", required=True, help="whose projects to report on")
    parser.add_argument("--author", default="load-bench-city", help="the token's username")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--projects", type=int, default=4000, help="projects to spread over")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    figures = measure(args)
    print(markdown(figures) if args.markdown else text(figures))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2)


if __name__ == "__main__":
    main()
