"""The tracker's benchmark: the production web process under load, against a database
filled by `bench/generate_load_data.py`, compared with the raw SQL it wraps.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench .venv/bin/python bench/run.py

It starts gunicorn with the production settings on loopback (the same command and
settings as docker-compose.yml, through the stack test's harness), drives it from a
separate load-generator process (bench/load.py), times the hand-written SQL of each read
in the same run (bench/sql.py), then times a full weekly digest run and daily reminder
runs sent to a local SMTP server. It prints a table; `--json FILE` also saves the figures.
docs/benchmarks.md records the results and how to read them.

The database must be disposable: the bench adds a user and a token and empties the
dispatch log before each notification run.
"""

import argparse
import datetime
import json
import os
import resource
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

from bench import sql  # noqa: E402
from bench.load import percentile  # noqa: E402
from config.tests.stack import MailCatcher, NativeStack, browser, free_port, manage  # noqa: E402

USER, PASSWORD = "bench-supervisor", "bench-2026-Dezhou"
TODAY = datetime.date(2026, 11, 24)


def prepare_user(stack):
    manage(
        stack,
        "shell",
        "-c",
        "from django.contrib.auth.models import User;"
        f"u, _ = User.objects.get_or_create(username='{USER}');"
        "u.is_staff = u.is_superuser = True;"
        f"u.set_password('{PASSWORD}'); u.save()",
    )
    token = manage(stack, "create_api_token", "--user", USER, "--scope", "read", "--name", "bench")
    return token.strip().split()[-1]


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


def time_sql(connection, statements, repeats):
    timings = []
    with connection.cursor() as cursor:
        for _ in range(repeats + 3):
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    timings = timings[3:]  # warm-up
    return {"p50": statistics.median(timings), "p95": percentile(timings, 0.95)}


def read_cases(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_project")
        projects = cursor.fetchone()[0]
        cursor.execute(
            "SELECT id, name FROM projects_project ORDER BY id LIMIT 1 OFFSET %s", [projects // 2]
        )
        project_id, name = cursor.fetchone()
    term = name[:2]
    last_page = max(1, (projects + 49) // 50)
    today = TODAY.isoformat()
    cases = [
        ("projects, page 1", "/api/v1/projects/?page_size=50", sql.project_list()),
        (
            "projects, page 100",
            "/api/v1/projects/?page_size=50&page=100",
            sql.project_list(offset=99 * 50),
        ),
        (
            f"projects, last page ({last_page})",
            f"/api/v1/projects/?page_size=50&page={last_page}",
            sql.project_list(offset=(last_page - 1) * 50),
        ),
        (
            "projects, year+stage filter",
            "/api/v1/projects/?page_size=50&year=2023&stage=under_construction",
            sql.project_list(where=sql.FILTER),
        ),
        (
            f"projects, search {term!r}",
            "/api/v1/projects/?" + urlencode({"page_size": 50, "search": term}),
            sql.project_list(where=sql.SEARCH.format(term=term)),
        ),
        (
            f"projects, search {term!r}, page 100",
            "/api/v1/projects/?" + urlencode({"page_size": 50, "search": term, "page": 100}),
            sql.project_list(where=sql.SEARCH.format(term=term), offset=99 * 50),
        ),
        (
            "project detail + updates",
            f"/api/v1/projects/{project_id}/",
            sql.project_detail(project_id),
        ),
    ]
    for group_by in sql.PROJECT_GROUPS:
        cases.append(
            (
                f"stats/projects {group_by}",
                f"/api/v1/stats/projects/?group_by={group_by}",
                sql.project_stats(group_by),
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
    return cases, projects


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


def run_notification(stack, command, date):
    """Time one run as a separate process; returns seconds, emails received, peak RSS MB."""
    stack.mail.messages.clear()
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("DELETE FROM tracker_dispatch")
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


def overdue_tasks(connection, date):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tracker_keytask "
            "WHERE status IN ('not_started', 'in_progress') AND deadline < %s",
            [date],
        )
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--requests", type=int, default=100, help="per read, for latency")
    parser.add_argument("--concurrency", type=int, default=4, help="for throughput")
    parser.add_argument("--workers", default="4", help="gunicorn processes (WEB_CONCURRENCY)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--only", choices=["reads", "notifications"], help="run one half of the bench"
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL database filled by bench/generate_load_data.py."
        )

    mail = MailCatcher()
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
    figures = {"reads": [], "notifications": []}
    try:
        with psycopg.connect(args.database_url, autocommit=True) as connection:
            cases, projects = read_cases(connection)
            if projects < 1000:
                raise SystemExit("Fill the database first: make bench-data")
            stack.build()
            token = prepare_user(stack)
            stack.start("web")
            stack.wait_until(
                lambda: (
                    requests.get(stack.base_url + "/healthz?only=database", timeout=5).ok
                    if _listening(stack)
                    else False
                ),
                timeout=60,
                what="gunicorn",
            )
            api = {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"}
            admin = {"Cookie": admin_cookie(stack), "X-Forwarded-Proto": "https"}
            print(_machine(args.database_url))
            print(f"{projects:,} projects; gunicorn workers: {args.workers}\n")
            header = (
                f"{'read':<38}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>8}"
                f"{'SQL p50':>9}{'SQL p95':>9}{'p95 ×':>7}"
            )
            if args.only == "notifications":
                cases, admin_cases = [], []
            else:
                admin_cases = ADMIN_CASES
            # Every gunicorn worker loads its caches (URLs, translations, templates) on its
            # first requests: warm them all before measuring.
            for _label, path, _statements in cases:
                load(stack, path, api, 8, args.concurrency)
            for _label, path in admin_cases:
                load(stack, path, admin, 8, args.concurrency)
            print(header)
            print("-" * len(header))
            for label, path, statements in cases:
                latency = load(stack, path, api, args.requests, 1)
                throughput = load(stack, path, api, args.requests * 2, args.concurrency)
                raw = time_sql(connection, statements, args.requests)
                ratio = latency["p95"] / raw["p95"]
                print(
                    f"{label:<38}{latency['p50']:>8.1f}{latency['p95']:>8.1f}"
                    f"{throughput['rps']:>8.0f}{raw['p50']:>9.1f}{raw['p95']:>9.1f}{ratio:>7.1f}"
                )
                figures["reads"].append(
                    {
                        "read": label,
                        "path": path,
                        "latency": latency,
                        "throughput": throughput,
                        "sql": raw,
                        "ratio_p95": ratio,
                    }
                )
            for label, path in admin_cases:
                latency = load(stack, path, admin, max(20, args.requests // 4), 1)
                throughput = load(stack, path, admin, max(20, args.requests // 2), args.concurrency)
                print(
                    f"{label:<38}{latency['p50']:>8.1f}{latency['p95']:>8.1f}"
                    f"{throughput['rps']:>8.0f}{'':>9}{'':>9}{'':>7}"
                )
                figures["reads"].append(
                    {"read": label, "path": path, "latency": latency, "throughput": throughput}
                )

            print(f"\n{'run':<52}{'seconds':>8}{'emails':>8}{'peak MB':>9}")
            monday = "2026-11-23"
            runs = [] if args.only == "reads" else [("weekly digests", "send_digests", monday)]
            # Working days (2024-01-01 is New Year's Day: a day off sends nothing).
            for date in ("2024-01-02", "2030-01-02") if runs else ():
                count = overdue_tasks(connection, date)
                runs.append((f"daily reminders, {count:,} overdue tasks", "send_reminders", date))
            for label, command, date in runs:
                seconds, emails, peak, output = run_notification(stack, command, date)
                print(f"{label:<52}{seconds:>8.2f}{emails:>8}{peak:>9.0f}")
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
    finally:
        stack.stop()
        controller.stop()
        stack.cleanup()
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


def _listening(stack):
    try:
        requests.get(stack.base_url + "/healthz?only=database", timeout=5)
        return True
    except requests.ConnectionError:
        return False


def _machine(database_url):
    cores = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    with psycopg.connect(database_url, autocommit=True) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return (
        f"machine: {cores} cores, {total_kb / 1024 / 1024:.1f} GiB; PostgreSQL {version}; "
        f"Python {sys.version.split()[0]}; max RSS of this process "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
