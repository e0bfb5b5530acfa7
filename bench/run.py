"""The tracker's benchmark: the production web process under load, against a database
filled by `bench/generate_load_data.py`, compared with the raw SQL it wraps.

    make bench SCALE=100k          # or: .venv/bin/python bench/run.py --scale 1m
    make bench BENCH_ARGS="--markdown --json out.json"

It starts gunicorn with the production settings on loopback (the same command and
settings as docker-compose.yml, through the stack test's harness) and drives it from a
separate load-generator process (bench/load.py). Each read is timed as three readers
(bench/users.py): the superuser, with the hand-written SQL of the read timed in the same
run (bench/sql.py) and the throughput over several connections, then a city's
supervisor and a province user (their tenant rules on the same path). Then report writes
per second through the API against the same rows in SQL (bench/writes.py), and a full
weekly digest run and daily reminder runs sent to a local SMTP server. It prints tables;
``--markdown`` prints them again as Markdown for docs/benchmarks.md, ``--json FILE``
saves the figures.

The database must be disposable: the bench adds users and tokens, posts reports (dated
today) and empties the dispatch log before each notification run.
"""

import argparse
import base64
import datetime
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import requests  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

from bench import report, sql  # noqa: E402
from bench import scale as scales  # noqa: E402
from bench.load import percentile  # noqa: E402
from config.tests.stack import NativeStack, browser, free_port, manage  # noqa: E402

USER, PASSWORD = "bench-supervisor", "bench-2026-Dezhou"  # bench/users.py: SUPERUSER
TODAY = datetime.date(2026, 11, 24)


READERS = ("superuser", "city", "province")


def prepare_users(stack):
    """The superuser, a city's supervisor and a province user, with a token each
    (bench/users.py); returns {"tokens": {reader: key}, "city_tenant": code}."""
    output = manage(stack, "shell", "-c", f"from bench.users import prepare; prepare({PASSWORD!r})")
    return json.loads(output.strip().splitlines()[-1])


def admin_cookie(stack):
    session = browser(stack)
    session.get(stack.base_url + "/admin/login/")
    response = session.post(
        stack.base_url + "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": USER,
            "password": PASSWORD,
            "next": "/admin/",
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, "admin login failed"
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def load(stack, path, headers, requests_count, concurrency):
    command = [
        sys.executable,
        str(ROOT / "bench" / "load.py"),
        stack.base_url + path,
        "--requests",
        str(requests_count),
        "--concurrency",
        str(concurrency),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    if set(result["statuses"]) != {"200"}:
        raise SystemExit(f"{path}: statuses {result['statuses']}")
    return result


# A floor slower than this in all is timed fewer times (at least SQL_MIN_REPEATS): the old
# OFFSET-and-count SQL of a list takes 1.7 s a run at 1,000,000 projects.
SQL_BUDGET_SECONDS = 20
SQL_MIN_REPEATS = 10


def time_sql(connection, statements, repeats):
    timings = []
    budget_ends = time.perf_counter() + SQL_BUDGET_SECONDS
    with connection.cursor() as cursor:
        for run in range(repeats + 3):
            if run >= SQL_MIN_REPEATS + 3 and time.perf_counter() > budget_ends:
                break
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    timings = timings[3:]  # warm-up
    return {"p50": statistics.median(timings), "p95": percentile(timings, 0.95)}


TERM = "年产"  # two characters, in half the names: no trigram serves it
# The deepest page a search reaches by number: TRACKER_SEARCH_REACH (1,000) rows of 50.
SEARCH_PAGE = 20
DEPTH = 50_000  # rows into the list for the cursor cases (page 1,000 of 50)
STAT_YEAR = 2023


def cursor_of(key):
    """The API's cursor of a list row's key (core.keyset: JSON in base64url, no padding)."""
    text = json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def list_key_at(cursor, offset, condition="TRUE"):
    """(year, code, id) of the row ``offset`` rows into the list (in its total order)."""
    cursor.execute(
        f"SELECT year, code, id FROM projects_project p WHERE {condition} "
        f"ORDER BY {sql.KEY} OFFSET %s LIMIT 1",
        [offset],
    )
    return cursor.fetchone()


SHARED = "('signed', 'under_construction', 'in_operation')"  # TRACKER_PROVINCE_SHARED_STAGES


def reader_rows(city_tenant, province):
    """SQL conditions of the projects each reader lists (core.tenancy.read_rule)."""
    return {
        "superuser": "TRUE",
        "city": f"p.tenant_id = '{city_tenant}'",
        "province": f"(p.tenant_id = '{province}' OR (p.stage IN {SHARED} AND p.tenant_id IN "
        f"(SELECT code FROM regions_tenant WHERE parent_id = '{province}')))",
    }


def page_paths(cursor, readers, query, page, condition="TRUE"):
    """{reader: path} of page ``page`` (a number, or "last"), each reader's own list being
    shorter than the superuser's: page min(page, their last page)."""
    paths = {}
    for reader, rows in readers.items():
        cursor.execute(f"SELECT count(*) FROM projects_project p WHERE {rows} AND ({condition})")
        last = max(1, (cursor.fetchone()[0] + 49) // 50)
        paths[reader] = f"{query}&page={last if page == 'last' else min(page, last)}"
    return paths


def detail_ids(cursor, projects, city_tenant, province):
    """A project each reader may read: the middle one, one of the city's, and a shared one
    (signed or later) of a city of the province."""
    cursor.execute("SELECT id FROM projects_project ORDER BY id OFFSET %s LIMIT 1", [projects // 2])
    ids = {"superuser": cursor.fetchone()[0]}
    cursor.execute(
        "SELECT id FROM projects_project WHERE tenant_id = %s ORDER BY id LIMIT 1", [city_tenant]
    )
    ids["city"] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT p.id FROM projects_project p JOIN regions_tenant t ON t.code = p.tenant_id "
        "WHERE t.parent_id = %s AND p.stage IN ('signed', 'under_construction', "
        "'in_operation') ORDER BY p.id LIMIT 1",
        [province],
    )
    ids["province"] = cursor.fetchone()[0]
    return ids


def read_cases(connection, city_tenant, province):
    """[(label, {reader: path}, SQL statements)]: every reader reads the same path but for
    the project detail (one each may read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_project")
        projects = cursor.fetchone()[0]
        if projects < 1000:
            return [], projects
        details = detail_ids(cursor, projects, city_tenant, province)
        deep = list_key_at(cursor, min(DEPTH, projects - 100))
        match = sql.MATCH.format(term=TERM)
        deep_match = list_key_at(cursor, 5_000, match)
        readers = reader_rows(city_tenant, province)
        lists = "/api/v1/projects/?page_size=50"
        search = "/api/v1/projects/?" + urlencode({"page_size": 50, "search": TERM})
        page_100 = page_paths(cursor, readers, lists, 100)
        last = page_paths(cursor, readers, lists, "last")
        search_deep = page_paths(cursor, readers, search, SEARCH_PAGE, match)
    last_page = max(1, (projects + 49) // 50)
    today = TODAY.isoformat()
    cases = [
        ("projects, page 1", "/api/v1/projects/?page_size=50", sql.project_list()),
        (
            "projects, page 100",
            page_100,
            sql.project_list(offset=99 * 50),
        ),
        (
            f"projects, last page ({last_page})",
            last,
            sql.project_list(offset=(last_page - 1) * 50),
        ),
        (
            f"projects, cursor at row {min(DEPTH, projects - 100):,}",
            f"/api/v1/projects/?page_size=50&cursor={cursor_of(deep)}",
            sql.project_list_after(deep),
        ),
        (
            "projects, year+stage filter",
            "/api/v1/projects/?page_size=50&year=2023&stage=under_construction",
            sql.project_list(where=sql.FILTER),
        ),
        (
            f"projects, search {TERM}",
            search,
            sql.project_list(where=sql.SEARCH.format(term=TERM)),
        ),
        (
            f"projects, search {TERM}, page {SEARCH_PAGE}",
            search_deep,
            sql.project_list(where=sql.SEARCH.format(term=TERM), offset=(SEARCH_PAGE - 1) * 50),
        ),
        (
            f"projects, search {TERM}, cursor at match 5,000",
            f"{search}&cursor={cursor_of(deep_match)}",
            sql.project_list_after(deep_match, match),
        ),
        (
            "project detail + updates",
            {reader: f"/api/v1/projects/{pk}/" for reader, pk in details.items()},
            sql.project_detail(details["superuser"]),
        ),
    ]
    for year in (None, STAT_YEAR):
        for group_by in sql.PROJECT_GROUPS:
            where = f"WHERE p.year = {year}" if year else ""
            cases.append(
                (
                    f"stats/projects {group_by}" + (f", year {year}" if year else ""),
                    f"/api/v1/stats/projects/?group_by={group_by}"
                    + (f"&year={year}" if year else ""),
                    sql.project_stats(group_by, where),
                )
            )
    for group_by in sql.TASK_GROUPS:
        cases.append(
            (
                f"stats/tasks {group_by}",
                f"/api/v1/stats/tasks/?group_by={group_by}",
                sql.task_stats(group_by, today),
            )
        )
    return [(label, paths_of(path), statements) for label, path, statements in cases], projects


def paths_of(path):
    return path if isinstance(path, dict) else dict.fromkeys(READERS, path)


def cursor_supported(stack, headers):
    """Whether the list takes ``?cursor=`` yet (its pages name a ``next_cursor``)."""
    response = requests.get(
        stack.base_url + "/api/v1/projects/?page_size=1", headers=headers, timeout=30
    )
    return response.ok and "next_cursor" in response.json()


ADMIN_CASES = [
    ("admin: projects", "/admin/projects/project/"),
    ("admin: projects, page 1000", "/admin/projects/project/?p=1000"),
    ("admin: projects, search", "/admin/projects/project/?q=LD-00500"),
    ("admin: key tasks", "/admin/tracker/keytask/"),
    ("admin: key tasks, overdue", "/admin/tracker/keytask/?overdue=yes"),
    # The rankings (docs/rankings.md): the counting rules over the whole table, twice (the
    # period and the one before), read with the same signed-in session.
    ("rankings: counties, month", "/api/v1/rankings/?period=month&date=2023-12-31&unit=county"),
    (
        "rankings: departments, year to date",
        "/api/v1/rankings/?period=year&date=2023-12-31&unit=department",
    ),
]


class RawMail:
    """The bench's SMTP handler: keeps each message's bytes, unparsed. (The suite's
    MailCatcher parses every message, 3 ms each: a third of the fanned-out digests' time
    went to the bench's own server.)"""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted"


# One sender process per worker process: connections of a delivery batch's 50 messages.
SINK_SENDER = r"""
import smtplib, sys
port, size, connections = (int(arg) for arg in sys.argv[1:])
message = b"Subject: sink floor\r\nFrom: a@example.org\r\nTo: b@example.org\r\n\r\n"
message += (b"x" * 74 + b"\r\n") * max(0, (size - len(message)) // 76)  # lines of 76
for _ in range(connections):
    server = smtplib.SMTP("127.0.0.1", port)
    for _ in range(50):
        server.sendmail("a@example.org", ["b@example.org"], message)
    server.quit()
"""


def sink_floor(stack, emails, size, senders=3):
    """Seconds the bench's SMTP server takes to receive ``emails`` messages of ``size``
    bytes from ``senders`` processes that do nothing else: no digest run can be faster."""
    stack.mail.messages.clear()
    connections = max(1, round(emails / 50 / senders))
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SINK_SENDER, str(stack.smtp_port), str(size), str(connections)]
        )
        for _ in range(senders)
    ]
    for process in processes:
        process.wait()
    return time.perf_counter() - started, len(stack.mail.messages)


def empty_dispatch_log(stack):
    """Each run starts from an empty dispatch log, vacuumed as autovacuum would keep it in
    production (docs/deployment.md): without it, every run leaves tens of thousands of dead
    rows that the next run's claims read through (90 ms a claim after a few runs)."""
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("DELETE FROM tracker_dispatch")
        connection.execute("VACUUM ANALYZE tracker_dispatch")


def run_notification(stack, command, date):
    """Time one run as a separate process; returns seconds, emails received, peak RSS MB."""
    stack.mail.messages.clear()
    empty_dispatch_log(stack)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", command, "--date", date],
        cwd=ROOT,
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    output = process.stdout.read().decode()
    if status != 0:
        raise SystemExit(f"{command} failed:\n{output}")
    return elapsed, len(stack.mail.messages), usage.ru_maxrss / 1024, output.strip()


# Sends the weekly digests task to the running workers and prints when it was queued.
SEND_DIGESTS = """
import time, django
django.setup()
from notifications.tasks import send_digests
send_digests.apply_async(kwargs={"date": %r})
print(time.time())
"""


def run_fanned_out(stack, date, expected, timeout=300):
    """Time the weekly digests in the running stack: ``tracker.send_digests`` queued to the
    workers (a plan task per city, delivery batches shared by both workers, as in
    production), from the moment it is queued to the last of ``expected`` emails received.
    Returns seconds and emails received."""
    stack.mail.messages.clear()
    empty_dispatch_log(stack)
    result = subprocess.run(
        [sys.executable, "-c", SEND_DIGESTS % date],
        cwd=ROOT,
        env={**stack.env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    queued_at = float(result.stdout.strip().splitlines()[-1])
    deadline = time.monotonic() + timeout
    last, last_at = 0, time.time()
    while time.monotonic() < deadline:
        count = len(stack.mail.messages)
        if count != last:
            last, last_at = count, time.time()
        if count >= expected:
            break
        if count and time.time() - last_at > 10:
            break  # nothing more arrives: report what did
        time.sleep(0.005)
    return last_at - queued_at, last


def overdue_tasks(connection, date):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tracker_keytask "
            "WHERE status IN ('not_started', 'in_progress') AND deadline < %s",
            [date],
        )
        return cursor.fetchone()[0]


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=scales.DEFAULT, help="what the table is labelled")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--requests", type=int, default=100, help="per read, for latency")
    parser.add_argument("--concurrency", type=int, default=4, help="for throughput")
    parser.add_argument("--workers", default="4", help="gunicorn processes (WEB_CONCURRENCY)")
    parser.add_argument("--write-seconds", type=float, default=20, help="per write phase")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--markdown", action="store_true", help="also print the tables as Markdown at the end"
    )
    parser.add_argument(
        "--only", choices=["reads", "writes", "notifications"], help="run one part of the bench"
    )
    parser.add_argument(
        "--cases", help="measure only the reads whose label holds this text (e.g. stats/tasks)"
    )
    args = parser.parse_args(argv)
    try:
        args.scale = scales.scale(args.scale).name
    except scales.UnknownScale as error:
        parser.error(str(error))
    if not args.database_url:
        args.database_url = scales.database_url(args.scale)
    if not args.database_url.startswith("postgres"):
        parser.error("DATABASE_URL must be a PostgreSQL database filled by make bench-data.")
    return args


def measure_reads(stack, connection, cases, headers, args, figures, out):
    header = (
        f"{'read':<46}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>7}{'SQL p50':>9}{'SQL p95':>9}"
        f"{'p95 ×':>7}{'city p50':>10}{'p95':>7}{'prov. p50':>11}{'p95':>7}"
    )
    out(header)
    out("-" * len(header))
    for label, paths, statements in cases:
        row = {"read": label, "paths": paths}
        row["latency"] = load(stack, paths["superuser"], headers["superuser"], args.requests, 1)
        row["throughput"] = load(
            stack, paths["superuser"], headers["superuser"], args.requests * 2, args.concurrency
        )
        for reader in READERS[1:]:
            row[reader] = load(stack, paths[reader], headers[reader], args.requests, 1)
        row["sql"] = time_sql(connection, statements, args.requests)
        row["ratio_p95"] = row["latency"]["p95"] / row["sql"]["p95"]
        out(
            f"{label:<46}{row['latency']['p50']:>8.1f}{row['latency']['p95']:>8.1f}"
            f"{row['throughput']['rps']:>7.0f}{row['sql']['p50']:>9.1f}{row['sql']['p95']:>9.1f}"
            f"{row['ratio_p95']:>7.1f}{row['city']['p50']:>10.1f}{row['city']['p95']:>7.1f}"
            f"{row['province']['p50']:>11.1f}{row['province']['p95']:>7.1f}"
        )
        figures["reads"].append(row)


def measure_admin(stack, admin, cases, args, figures, out):
    for label, path in cases:
        latency = load(stack, path, admin, max(20, args.requests // 4), 1)
        throughput = load(stack, path, admin, max(20, args.requests // 2), args.concurrency)
        out(f"{label:<46}{latency['p50']:>8.1f}{latency['p95']:>8.1f}{throughput['rps']:>7.0f}")
        figures["admin"].append(
            {"read": label, "path": path, "latency": latency, "throughput": throughput}
        )


def measure_writes(stack, users, args, figures, out):
    """bench/writes.py in its own process, against the running server."""
    with tempfile.NamedTemporaryFile(suffix=".json") as saved:
        command = [
            sys.executable,
            str(ROOT / "bench" / "writes.py"),
            "--url",
            stack.base_url,
            "--token",
            users["tokens"]["city"],
            "--database-url",
            args.database_url,
            "--tenant",
            users["city_tenant"],
            "--clients",
            str(args.concurrency),
            "--seconds",
            str(args.write_seconds),
            "--json",
            saved.name,
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"bench/writes.py failed:\n{result.stdout}{result.stderr}")
        out(result.stdout.rstrip())
        figures["writes"] = json.loads(Path(saved.name).read_text())


def measure_notifications(stack, connection, figures, out):
    out(f"\n{'run':<52}{'seconds':>8}{'emails':>8}{'peak MB':>9}")
    runs = [("weekly digests", "send_digests", "2026-11-23")]
    # Working days (2024-01-01 is New Year's Day: a day off sends nothing).
    for date in ("2024-01-02", "2030-01-02"):
        count = overdue_tasks(connection, date)
        runs.append((f"daily reminders, {count:,} overdue tasks", "send_reminders", date))
    for label, command, date in runs:
        seconds, emails, peak, output = run_notification(stack, command, date)
        out(f"{label:<52}{seconds:>8.2f}{emails:>8}{peak:>9.0f}")
        figures["notifications"].append(
            {
                "run": label,
                "date": date,
                "seconds": seconds,
                "emails": emails,
                "peak_rss_mb": peak,
                "output": output,
            }
        )
    # The same digests as production sends them: fanned out over both workers.
    expected = figures["notifications"][0]["emails"]
    stack.start("worker")
    stack.start("worker-bulk")
    try:
        run_fanned_out(stack, "2026-11-23", expected)  # warms every worker process
        seconds, emails = run_fanned_out(stack, "2026-11-23", expected)
        size = round(sum(map(len, stack.mail.messages)) / max(1, len(stack.mail.messages)))
    finally:
        stack.kill("worker", signal.SIGTERM)
        stack.kill("worker-bulk", signal.SIGTERM)
    label = "weekly digests, fanned out over worker and worker-bulk"
    out(f"{label:<52}{seconds:>8.2f}{emails:>8}{'':>9}")
    figures["notifications"].append(
        {"run": label, "date": "2026-11-23", "seconds": seconds, "emails": emails}
    )
    floor_seconds, floor_emails = sink_floor(stack, expected, size)
    label = f"floor: the SMTP server receiving as many ({size:,} B each)"
    out(f"{label:<52}{floor_seconds:>8.2f}{floor_emails:>8}{'':>9}")
    figures["notifications"].append(
        {"run": label, "seconds": floor_seconds, "emails": floor_emails, "bytes": size}
    )


def main(argv=None):
    args = parse_arguments(argv)
    mail = RawMail()
    smtp_port = free_port()
    controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    stack = NativeStack(
        workdir, database_url=args.database_url, redis_url=args.redis_url, smtp_port=smtp_port
    )
    stack.env["WEB_CONCURRENCY"] = args.workers
    stack.env["LOG_LEVEL"] = "WARNING"  # no access log lines on the hot path
    # The bench measures speed, not the per-token rate limit (tested in the suite).
    stack.env["API_TOKEN_RATE"] = "1000000/minute"
    stack.mail = mail
    stack.smtp_port = smtp_port
    figures = {"scale": args.scale, "reads": [], "admin": [], "notifications": []}
    out = print
    try:
        with psycopg.connect(args.database_url, autocommit=True) as connection:
            stack.build()
            users = prepare_users(stack)
            province = users["province"]
            cases, projects = read_cases(connection, users["city_tenant"], province)
            if projects < 1000:
                raise SystemExit("Fill the database first: make bench-data")
            stack.start("web")
            stack.wait_until(lambda: healthy(stack), timeout=120, what="gunicorn")
            headers = {
                reader: {"Authorization": f"Bearer {key}", "X-Forwarded-Proto": "https"}
                for reader, key in users["tokens"].items()
            }
            admin = {"Cookie": admin_cookie(stack), "X-Forwarded-Proto": "https"}
            figures["machine"] = machine(args.database_url)
            figures["load_before"] = os.getloadavg()
            out(describe_machine(figures["machine"]))
            out(
                f"scale {args.scale}: {projects:,} projects; gunicorn workers: {args.workers}; "
                f"city {users['city_tenant']}, province {province}; "
                f"load average {figures['load_before'][0]:.2f}\n"
            )
            if args.only not in (None, "reads"):
                cases = []
            elif not cursor_supported(stack, headers["superuser"]):
                out("(the list takes no ?cursor= yet: the cursor cases are left out)\n")
                cases = [case for case in cases if "cursor" not in case[0]]
            admin_cases = ADMIN_CASES if args.only in (None, "reads") else []
            if args.cases:
                cases = [case for case in cases if args.cases in case[0]]
                admin_cases = [case for case in admin_cases if args.cases in case[0]]
            # Every gunicorn worker loads its caches (URLs, translations, templates) on its
            # first requests: warm them all before measuring.
            for _label, paths, _statements in cases:
                for reader, path in paths.items():
                    load(stack, path, headers[reader], 8, args.concurrency)
            for _label, path in admin_cases:
                load(stack, path, admin, 8, args.concurrency)
            if cases:
                measure_reads(stack, connection, cases, headers, args, figures, out)
            if admin_cases:
                measure_admin(stack, admin, admin_cases, args, figures, out)
            if args.only in (None, "writes"):
                out("")
                measure_writes(stack, users, args, figures, out)
            if args.only in (None, "notifications"):
                measure_notifications(stack, connection, figures, out)
            figures["load_after"] = os.getloadavg()
            out(f"\nload average after: {figures['load_after'][0]:.2f}")
    finally:
        stack.stop()
        controller.stop()
        stack.cleanup()
    if args.markdown:
        out("\n" + report.markdown(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


def healthy(stack):
    """Whether gunicorn answers its health check (a loaded machine starts it slowly)."""
    try:
        return requests.get(stack.base_url + "/healthz?only=database", timeout=10).ok
    except requests.RequestException:
        return False


def machine(database_url):
    """What the figures were measured on: cores, memory, PostgreSQL and its settings."""
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    with psycopg.connect(database_url, autocommit=True) as connection:
        settings = {
            name: connection.execute(f"SHOW {name}").fetchone()[0]
            for name in ("server_version", "shared_buffers", "autovacuum", "jit")
        }
        sizes = connection.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database())), "
            "pg_size_pretty(pg_total_relation_size('projects_project')), "
            "pg_size_pretty(pg_indexes_size('projects_project'))"
        ).fetchone()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(total_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "postgresql": settings,
        "database_size": sizes[0],
        "projects_table": sizes[1],
        "projects_indexes": sizes[2],
        "bench_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def describe_machine(m):
    pg = m["postgresql"]
    return (
        f"machine: {m['cores']} cores, {m['memory_gib']} GiB; PostgreSQL {pg['server_version']} "
        f"(shared_buffers {pg['shared_buffers']}, autovacuum {pg['autovacuum']}, jit {pg['jit']} "
        f"in the server's settings, off on the tracker's connections); Python {m['python']}; "
        f"database {m['database_size']}, projects {m['projects_table']} of which indexes "
        f"{m['projects_indexes']}"
    )


if __name__ == "__main__":
    main()
