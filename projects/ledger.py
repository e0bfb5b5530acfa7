"""The project ledger (项目台账): the fields officials keep for each project, declared once.

Read by the Excel sheet (``projects.resources``: its columns, in this order), the REST API
(``projects.api.serializers``: the same fields in the same order, each followed by its
read-only companions) and the benchmark's load data (``bench.load_data``: the columns it
writes). A plain field (text, number, money, date, yes/no) joins all of them by adding it
to the model and to ``LEDGER_FIELDS``; a related record or a choice also needs its Excel
widget (by name or label) and its API companion (``…_name``, ``…_label``) declared where
those live. To filter the API by it, add it to ``FILTER_FIELDS`` too.

Not ledger fields, on purpose: ``id``, ``version`` (counts the saves, for refusing a change
built on an old copy) and ``is_demo`` (seed bookkeeping) are the system's, not what an
official keeps; the API adds ``id`` in front, the sheet (keyed by ``code``) shows none.
"""

LEDGER_FIELDS = (
    "code",
    "name",
    "investor",
    "origin",
    "host_division",
    "park",
    "industry_chain",
    "base_function",
    "responsible_department",
    "year",
    "stage",
    "total_investment",
    "funds_in_place",
    "signed_on",
    "planned_start_on",
    "started_on",
    "planned_production_on",
    "produced_on",
    "is_key",
    "description",
)

# What the API (the list and the statistics alike) filters by exact value, in the order
# of the admin's list filters, stage first. Free text (code, name, investor, description),
# money and dates are left to search and ordering. ``origin_province`` is no model field:
# the province the origin lies in, declared in ``projects.api.filters.ProjectFilter``.
FILTER_FIELDS = (
    "stage",
    "origin",
    "origin_province",
    "host_division",
    "park",
    "industry_chain",
    "base_function",
    "responsible_department",
    "year",
    "is_key",
)
