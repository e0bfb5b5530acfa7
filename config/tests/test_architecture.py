"""The plan of the house (docs/architecture.md), checked on every run.

Imports run one way: core <- regions <- tracker <- projects, with notifications beside the
domain apps (it reads deadlines from the sources named in settings) and config on top,
composing them all. Modules and functions stay small enough to read in one sitting.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "core",
    "workdays",
    "regions",
    "tracker",
    "projects",
    "cooperation",
    "notifications",
    "performance",
    "bulletins",
    "mobile",
    "dashboard",
    "fixtures",
]
EVERY_APP = (
    "core",
    "workdays",
    "regions",
    "tracker",
    "projects",
    "cooperation",
    "notifications",
    "performance",
    "bulletins",
    "mobile",
    "dashboard",
    "fixtures",
)
# What sits above the domain apps (they never import it).
ABOVE_DOMAIN = ("performance", "bulletins", "mobile", "dashboard")
# What each package may not import (tests aside). config is the top of the house: no app
# imports it (settings are read through django.conf); bench drives the house from outside.
FORBIDDEN = {
    "core": (*EVERY_APP[1:], "config", "bench"),
    # The calendar sits just above core: every app counts working days with it.
    "workdays": (*EVERY_APP[2:], "config", "bench"),
    "regions": (*EVERY_APP[3:], "config", "bench"),
    # tracker, projects and cooperation import notifications only for its contracts (below).
    "tracker": ("projects", "cooperation", *ABOVE_DOMAIN, "fixtures", "config", "bench"),
    "projects": ("cooperation", *ABOVE_DOMAIN, "fixtures", "config", "bench"),
    # The cooperation ledger links items to the projects they became.
    "cooperation": (*ABOVE_DOMAIN, "fixtures", "config", "bench"),
    "notifications": ("projects", "cooperation", *ABOVE_DOMAIN, "fixtures", "config", "bench"),
    # Targets, counting and rankings read the domain apps; the bulletins read them all.
    "performance": ("bulletins", "mobile", "dashboard", "fixtures", "config", "bench"),
    "bulletins": ("mobile", "dashboard", "fixtures", "config", "bench"),
    # The phone page (我的待办) is a face on the domain apps' services, like the admin.
    "mobile": ("dashboard", "fixtures", "config", "bench"),
    # The dashboard reads the REST API in the browser; on the server it needs only the
    # labels of choices (CHOICES_ONLY below), never an app's models.
    "dashboard": (*EVERY_APP[2:10], "fixtures", "config", "bench"),
    "fixtures": ("dashboard", "config", "bench"),
}
CHOICES_ONLY = {"dashboard"}
# A domain app imports notifications only to implement the deadline-source contract (the
# protocols, and the sources written as queries: notifications.item_queries) and to tell
# people of a step through the dispatch log (the outbox, notifications.notices).
NOTIFICATIONS_CONTRACT = {
    "notifications.sources",
    "notifications.item_queries",
    "notifications.notices",
    "notifications.events",
}

# Modules that are data, not logic, may be long; so may the benchmark's driver.
LONG_MODULES_ALLOWED = {"fixtures/demo_projects.py", "config/settings.py"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def source_files(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield relative, path.read_text(encoding="utf-8")


def imported_modules(text):
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_what_is_built_on_it(app):
    pattern = re.compile(rf"^({'|'.join(FORBIDDEN[app])})(\.|$)")
    offenders = [
        f"{relative}: {module}"
        for relative, text in source_files(app)
        for module in imported_modules(text)
        if pattern.match(module) and not (app in CHOICES_ONLY and module.endswith(".choices"))
    ]
    assert not offenders


@pytest.mark.parametrize("app", ["regions", "tracker", "projects", "cooperation"])
def test_domain_apps_import_notifications_only_for_the_source_contract(app):
    offenders = [
        f"{relative}: {module}"
        for relative, text in source_files(app)
        for module in imported_modules(text)
        if module.split(".")[0] == "notifications" and module not in NOTIFICATIONS_CONTRACT
    ]
    assert not offenders


def test_every_package_of_ours_is_checked():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"config", "bench", "scripts"}
    }
    assert packages <= set(APPS)


def python_modules():
    for package in [*APPS, "config"]:
        yield from source_files(package)


def test_modules_stay_short():
    long_modules = [
        f"{relative}: {len(text.splitlines())} lines"
        for relative, text in python_modules()
        if len(text.splitlines()) > MAX_MODULE_LINES and str(relative) not in LONG_MODULES_ALLOWED
    ]
    assert not long_modules


def test_functions_stay_short():
    long_functions = []
    for relative, text in python_modules():
        if str(relative) in LONG_MODULES_ALLOWED:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{relative}:{node.lineno} {node.name}: {length} lines")
    assert not long_functions


def test_every_package_with_tests_is_in_the_test_command():
    """`make test` (and CI) collects only the testpaths: a package left out would have tests
    that never run (the dashboard's did not, until this check)."""
    import tomllib

    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "pytest"
    ]["ini_options"]["testpaths"]
    with_tests = {path.parent.parent.name for path in ROOT.glob("*/tests/__init__.py")}
    assert with_tests <= set(testpaths)
