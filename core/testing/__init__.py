"""Reusable test cases and helpers for the apps' test suites (pytest, pytest-django).

Nothing here runs on its own: an app's test module declares a model and passes its
fixtures, URLs and valid data in (see :mod:`core.testing.permissions`).
"""

import pytest

# The generic cases assert in these modules, not in a test file: have pytest rewrite their
# asserts too, so that a failure shows the values compared. Must run before their import.
pytest.register_assert_rewrite(
    "core.testing.admin_forms",
    "core.testing.owned",
    "core.testing.admin_cases",
    "core.testing.api_cases",
    "core.testing.permissions",
)
