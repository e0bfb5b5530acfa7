"""How long a department's phone page, the office's page and the dashboard's department
panel take in the largest city of a bench database, in one process (docs/benchmarks.md,
"One department in SQL").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench_1m \\
        .venv/bin/python bench/department_pages.py [--runs 5]

Prints, for each, the median, fastest and slowest of ``--runs`` runs (after one to warm
up) and the queries of the last. The city is the one with the most projects, the
department its busiest in key projects; the two officials it signs in as are made inside
a transaction rolled back at the end, so the database is left as it was.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")


def timed(label, call, runs, out=print):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm: the first call loads templates, translations and URL patterns
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    out(
        f"{label:<48} median {statistics.median(times):7.0f} ms"
        f"  (fastest {min(times):.0f}, slowest {max(times):.0f}), {len(captured)} queries"
    )


def measure(runs):
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from core.tenancy import acting_for
    from mobile.work import department_work, office_work
    from notifications.ladder import rung_counts
    from notifications.owed import count_owed, end_of_day
    from projects.models import Project
    from tracker.ladder import LoopContext, active_rungs
    from tracker.models import Official
    from tracker.services import add_official
    from workdays.calendar import calendar as workday_calendar

    busiest = Project.objects.values("tenant_id").annotate(n=Count("pk")).order_by("-n")
    city = busiest[0]["tenant_id"]
    with transaction.atomic(), acting_for(city):
        key_projects = Project.objects.for_tenants([city]).filter(is_key=True)
        departments = key_projects.values("responsible_department_id").annotate(n=Count("pk"))
        department = departments.order_by("-n")[0]["responsible_department_id"]
        password = "bench-Department-2026"
        office = add_official(
            Official(tenant_id=city, department_id=department, is_supervisor=True),
            username="bench-department-office",
            password=password,
        ).user
        official = add_official(
            Official(tenant_id=city, department_id=department),
            username="bench-department-official",
            password=password,
        ).user
        items = len(department_work(official, department, LoopContext()))
        print(f"city {city}, department {department}: {items:,} items on its page")
        timed("the department's items", lambda: department_work(official, department), runs)
        for label, user in (("GET /m/, the department", official), ("GET /m/, the office", office)):
            client = Client(HTTP_USER_AGENT="iPhone Mobile", HTTP_HOST="localhost")
            client.force_login(user)
            timed(label, lambda client=client: client.get("/m/"), runs)
        today, calendar = timezone.localdate(), workday_calendar()
        rungs, moment = active_rungs(city), end_of_day(today)
        timed("panel: reports and receipts owed", lambda: count_owed(moment, calendar), runs)
        timed("panel: open items per rung", lambda: rung_counts(today, calendar, rungs), runs)
        timed("the office's counts", lambda: office_work(office), runs)
        transaction.set_rollback(True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    measure(parser.parse_args(argv).runs)


if __name__ == "__main__":
    main()
