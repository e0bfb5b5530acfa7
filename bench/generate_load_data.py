"""Fill the database with deterministic synthetic load data for benchmarks.

    .venv/bin/python bench/generate_load_data.py [--scale 100k|1m] [--projects N]
        [--updates-per-project N] [--tasks N] [--seed N] [--replace] [--verbosity 0]

25 synthetic cities of Hebei and Shandong (each a tenant under its province's) with their
counties, parks, departments and officials, projects with their update history, and key
tasks (bench.load_data), sized by ``--scale`` (bench.scale) unless given, in the
database of DATABASE_URL, migrated first (``make bench-data`` does both). Refuses when
load data is already there unless --replace is given.

A script rather than a management command: the generator lives beside the benchmark it
feeds, outside the apps (no app imports bench), and a command must live in an app.
"""

import argparse
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    # Run as a script: the project on the path and Django set up, as manage.py does.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

from django.db import IntegrityError

from bench import scale as scales
from bench.load_data import (
    MAX_PROJECTS,
    MAX_TASKS,
    PROJECT_CODE_PREFIX,
    TASK_CODE_PREFIX,
    LoadDataPresent,
    generate,
)


class ProgressBar:
    """``[#####.....] 43% projects 43,000/100,000`` on one line, redrawn at most ~10×/s."""

    WIDTH = 30
    INTERVAL = 0.1

    def __init__(self, stream):
        self.stream = stream
        self.label = None
        self.drawn_at = 0.0

    def __call__(self, label, done, total):
        now = time.monotonic()
        if label != self.label:
            self.close()
            self.label = label
        elif done < total and now - self.drawn_at < self.INTERVAL:
            return
        self.drawn_at = now
        fraction = done / total if total else 1.0
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {fraction:4.0%} {label} {done:,}/{total:,}")
        self.stream.flush()

    def close(self):
        if self.label is not None:
            self.stream.write("\n")
            self.label = None


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", default=scales.DEFAULT, help=f"sizes of {', '.join(scales.SCALES)}"
    )
    parser.add_argument("--projects", type=int, help="default: the scale's")
    parser.add_argument("--updates-per-project", type=int, help="default: the scale's")
    parser.add_argument("--tasks", type=int, help="default: the scale's")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--replace",
        action="store_true",
        help="Delete the load data of an earlier run first (nothing else is touched).",
    )
    parser.add_argument(
        "-v", "--verbosity", type=int, default=1, help="0: no progress bar on stderr"
    )
    args = parser.parse_args(argv)
    try:
        sizes = scales.scale(args.scale)
    except scales.UnknownScale as error:
        parser.error(str(error))
    for name in ("projects", "updates_per_project", "tasks"):
        if getattr(args, name) is None:
            setattr(args, name, getattr(sizes, name))
    if not 0 <= args.projects <= MAX_PROJECTS:
        parser.error(f"--projects must be between 0 and {MAX_PROJECTS:,}.")
    if not 0 <= args.tasks <= MAX_TASKS:
        parser.error(f"--tasks must be between 0 and {MAX_TASKS:,}.")
    if args.updates_per_project < 0:
        parser.error("--updates-per-project cannot be negative.")
    return args


def main(argv=None, stdout=None, stderr=None):
    """Run with command-line ``argv``; a refusal exits (SystemExit) with its reason."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    args = parse_arguments(argv)
    bar = ProgressBar(stderr) if args.verbosity > 0 else None
    started = time.monotonic()
    try:
        report = generate(
            projects=args.projects,
            updates_per_project=args.updates_per_project,
            tasks=args.tasks,
            seed=args.seed,
            replace=args.replace,
            progress=bar,
        )
    except LoadDataPresent as error:
        raise SystemExit(f"{error} Run with --replace to delete it and generate anew.") from error
    except IntegrityError as error:
        raise SystemExit(
            f"Could not replace the load data: other rows still refer to it ({error})."
        ) from error
    finally:
        if bar:
            bar.close()
    elapsed = time.monotonic() - started
    if report.removed:
        removed = ", ".join(f"{label} {count:,}" for label, count in report.removed.items())
        print(f"Removed the previous load data: {removed}.", file=stdout)
    print(
        f"Load data generated in {elapsed:.1f} s (seed {args.seed}; projects "
        f"{PROJECT_CODE_PREFIX}…, key tasks {TASK_CODE_PREFIX}…):",
        file=stdout,
    )
    for label, count in report.counts.items():
        print(f"  {label}: {count:,}", file=stdout)


if __name__ == "__main__":
    main()
