"""Who may change what: the one rule lives in ``core.ownership``, on querysets.

Kept as the tracker's entry point so that the admin, the API and the Excel import
of every app import it from one place.
"""

from core.ownership import (  # noqa: F401 (re-exported)
    can_assign,
    can_change,
    department_id_of,
    is_supervisor,
    owns,
    unchangeable_count,
)
