# The two commands of the README: `make run` and `make test`.
# Both create the virtual environment and install the pinned dependencies first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format setup migrate seed clean bench-data bench bench-data-now bench-now

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever a requirements file changes.
$(VENV)/.installed: $(BIN)/python requirements/base.txt requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed --demo

# The web server, and a Celery worker with beat for reminders and digests.
run: seed
	$(BIN)/python scripts/run_local.py $(HOST)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmark (docs/benchmarks.md): fill a PostgreSQL database, then measure against it.
# SCALE picks the sizes and the database (bench/scale.py): 100k (tracker_bench) or 1m
# (tracker_bench_1m); BENCH_DATABASE_URL overrides the database, BENCH_DATA_ARGS adds
# generator options (--replace to load anew), BENCH_ARGS bench/run.py's. One bench at a
# time on the machine: both hold /tmp/tracker-bench.lock (waiting for the other).
SCALE ?= 100k
BENCH_DATABASE_URL ?= $(shell $(BIN)/python -m bench.scale $(SCALE) --database-url)
BENCH_LOCK := flock /tmp/tracker-bench.lock

bench-data: setup
	$(BENCH_LOCK) $(MAKE) --no-print-directory bench-data-now

bench: setup
	$(BENCH_LOCK) $(MAKE) --no-print-directory bench-now

# The same, without the lock (what the two targets run once they hold it).
bench-data-now:
	$(BIN)/python -m bench.scale $(SCALE) --create-database "$(BENCH_DATABASE_URL)"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/generate_load_data.py \
		--scale $(SCALE) $(BENCH_DATA_ARGS)

bench-now:
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
