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

The investor's unified social credit code (统一社会信用代码, GB 32100-2015) is checked
beyond its form (the model's pattern) by its check digit: ``credit_code_errors``, which
``Project.clean()`` calls, so that the admin, the sheet and the API refuse a mistyped code.
"""

from django.utils.translation import gettext_lazy as _

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
    # Last, so that sheets made before it was kept still line up column by column.
    "investor_credit_code",
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


# GB 32100-2015: the 31 characters of a code, by value, and the weights of its first 17.
CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_MESSAGE = _(
    "This unified social credit code's last character does not match the others: check it "
    "against the business licence."
)


def credit_code_check(code):
    """The 18th character a code's first 17 call for (31 less their weighted sum mod 31)."""
    total = sum(
        CREDIT_CODE_CHARACTERS.index(character) * weight
        for character, weight in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARACTERS[(31 - total % 31) % 31]


def credit_code_errors(instance, *field_names):
    """The named credit code attributes of ``instance`` whose check digit is wrong (a code
    of the wrong form is left to the field's own pattern)."""
    errors = {}
    for name in field_names:
        code = getattr(instance, name) or ""
        well_formed = len(code) == 18 and all(c in CREDIT_CODE_CHARACTERS for c in code)
        if well_formed and credit_code_check(code) != code[17]:
            errors[name] = CREDIT_CODE_MESSAGE
    return errors
