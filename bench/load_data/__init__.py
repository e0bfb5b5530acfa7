"""Synthetic load data for benchmarks: one tracker for 25 cities of Hebei and Shandong.

``generate()`` fills the database with many cities, districts, parks, departments,
officials, projects with their update history, and key tasks, all derived from one
seed: two runs with the same seed and sizes on databases holding the same reference data
write the same rows (codes, names, amounts, dates). Projects and their reports are
entered on the days they describe (``created_at``, on PostgreSQL); the other rows'
``created_at``, ``date_joined`` and the unusable password markers depend on when and
where it runs.
``bench/generate_load_data.py`` runs it from the command line (``make bench-data``).

This is bulk data, not business data: rows are written with ``bulk_create`` (or COPY on
PostgreSQL), bypassing the services, so no simple-history rows, no signals and no
per-row validation happen. The generator keeps every model constraint and ``clean()``
rule itself, and the tests check a sample with ``full_clean()``.

One module per kind of record, in the order a run writes them: ``places`` (cities,
counties, parks), ``people`` (departments, officials), ``tasks`` (work points, key tasks),
``projects`` with ``milestones`` and ``reports`` (their status reports). ``markers`` says
how load data is told apart from real data (``removal`` finds it by those marks), and
``shapes`` what it looks like. All dates lie on or before ``markers.AS_OF``: the data
reads as the state of the tracker on that day.
"""

from .generator import LoadDataPresent, LoadReport, generate
from .markers import AS_OF, MAX_PROJECTS, MAX_TASKS, PROJECT_CODE_PREFIX, TASK_CODE_PREFIX
from .removal import load_data_present, remove_load_data

__all__ = [
    "AS_OF",
    "MAX_PROJECTS",
    "MAX_TASKS",
    "PROJECT_CODE_PREFIX",
    "TASK_CODE_PREFIX",
    "LoadDataPresent",
    "LoadReport",
    "generate",
    "load_data_present",
    "remove_load_data",
]
