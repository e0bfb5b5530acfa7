"""Time the monthly figures where they are computed, in-process (no web server): the
counting rules, the rankings, the duplicate review and a bulletin build, each the median of
a few runs against the database in DATABASE_URL (make bench-data fills one).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench .venv/bin/python bench/figures.py

Prints one line per figure; docs/benchmarks.md keeps the last measurement.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from bulletins.services import build_bulletin  # noqa: E402
from performance.counting import Unit, headline  # noqa: E402
from performance.periods import PeriodKind, period_of  # noqa: E402
from performance.rankings import ranking  # noqa: E402
from projects.duplicates import find_duplicates  # noqa: E402

DAY = datetime.date(2023, 12, 31)
REPEATS = 3


def timed(call):
    seconds = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def cases():
    month, year = period_of(PeriodKind.MONTH, DAY), period_of(PeriodKind.YEAR, DAY)
    return [
        ("headline, December 2023", lambda: headline(month.start, month.end)),
        ("headline, year 2023", lambda: headline(year.start, year.end)),
        ("ranking: counties, month", lambda: ranking(month, Unit.COUNTY)),
        ("ranking: departments, month", lambda: ranking(month, Unit.DEPARTMENT)),
        ("ranking: counties, year to date", lambda: ranking(year, Unit.COUNTY)),
        ("ranking: departments, year to date", lambda: ranking(year, Unit.DEPARTMENT)),
        ("possible duplicates, whole table", lambda: find_duplicates()),
        ("bulletin: December 2023 (build and store)", lambda: build_bulletin("month", DAY)),
    ]


def main():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_project")
        projects = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM projects_projectupdate")
        reports = cursor.fetchone()[0]
    print(f"{connection.vendor}: {projects:,} projects, {reports:,} reports; median of {REPEATS}")
    for label, call in cases():
        print(f"{label:<48}{timed(call):>8.2f} s", flush=True)


if __name__ == "__main__":
    main()
