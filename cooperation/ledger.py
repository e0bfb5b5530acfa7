"""The cooperation ledger (合作事项台账): the fields officials keep for each item, declared
once, in the order of the Excel sheet (``cooperation.resources``); the API may follow it.

Not ledger fields, on purpose: ``id``, ``version`` and ``is_demo`` are the system's; the
sheet is keyed by ``code``.
"""

LEDGER_FIELDS = (
    "code",
    "title",
    "kind",
    "year",
    "department",
    "division",
    "counterparts",
    "agreement",
    "area",
    "state",
    "started_on",
    "deadline",
    "achieved_on",
    "investment",
    "people",
    "project",
    "description",
)
