"""Who may change what: the one rule lives in ``core.ownership``, on querysets.

Kept as the tracker's entry point so that the admin, the API and the Excel import
of every app import it from one place.
"""

from core.ownership import (  # noqa: F401 (re-exported)
    can_assign,
    can_change,
    changeable,
    department_id_of,
    ensure_changeable,
    ensure_still_changeable,
    is_supervisor,
    official_of,
)
