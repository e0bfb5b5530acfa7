"""Imports run one way: regions <- tracker <- projects (tests aside)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "regions": ("tracker", "projects", "fixtures", "dashboard"),
    "tracker": ("projects", "fixtures", "dashboard"),
    "projects": ("fixtures", "dashboard"),
    # The dashboard reads the REST API in the browser; on the server it needs no app's models.
    "dashboard": ("fixtures", "tracker", "regions"),
}


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_the_apps_built_on_it(app):
    offenders = []
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(rf"\s*(from|import)\s+({'|'.join(FORBIDDEN[app])})\b", line):
                offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert not offenders
