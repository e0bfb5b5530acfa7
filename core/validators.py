"""Checks on text that any model's ``clean()`` calls; they know no app and no model.

Each returns the errors it finds as ``{field name: message}``, so that a ``clean()`` can
merge them with its own and raise one ValidationError naming every bad field.
"""

import numbers
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Control characters (Unicode Cc: tabs, line feeds, NUL, DEL, C1), the Unicode line and
# paragraph separators, and what XML cannot hold (U+FFFE, U+FFFF, lone surrogates): a name,
# code or title is printed on one line in lists, Excel cells, email subjects, PDF tables and
# the bulletin's Word document, where any of these breaks the layout or the file.
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff"
NOT_ONE_LINE = re.compile(f"[{CONTROL_CHARACTERS}]")
# The same rule as a whole-value regex (for a RegexValidator, and so a schema pattern).
ONE_LINE_REGEX = rf"\A[^{CONTROL_CHARACTERS}]*\Z"

# Ledger and plan years: the tracker starts with the 2000s ledgers and plans ahead; a year
# outside is a typing slip (2203, 23), not a plan.
FIRST_YEAR, LAST_YEAR = 2000, 2100

ONE_LINE_MESSAGE = _("Write this on one line, without line breaks or control characters.")
EMAIL_MESSAGE = _("Enter one email address such as name@dezhou.gov.cn.")
YEAR_MESSAGE = _("Enter a year from %(first)s to %(last)s.")


def is_one_line(value):
    return not NOT_ONE_LINE.search(value or "")


def one_line_errors(instance, *field_names):
    """The named text attributes of ``instance`` that hold a line break or control character."""
    return {
        name: ONE_LINE_MESSAGE
        for name in field_names
        if isinstance(getattr(instance, name), str) and not is_one_line(getattr(instance, name))
    }


def year_errors(instance, *field_names):
    """The named year attributes of ``instance`` that are set and outside the sane range."""
    return {
        name: YEAR_MESSAGE % {"first": FIRST_YEAR, "last": LAST_YEAR}
        for name in field_names
        if isinstance(getattr(instance, name), numbers.Integral)
        and not FIRST_YEAR <= getattr(instance, name) <= LAST_YEAR
    }


def is_email_address(value):
    """One plain address that mail servers deliver: Django's check, without the rarities it
    also lets through (quoted local parts, IP-address domains, a domain without a dot)."""
    try:
        validate_email(value)
    except ValidationError:
        return False
    local, _at, domain = value.rpartition("@")
    return '"' not in local and not domain.startswith("[") and "." in domain


def email_errors(instance, *field_names):
    """The named email attributes of ``instance`` that are set and not one plain address.

    Django's EmailField already refuses what its validator refuses, with its own message;
    this adds only what it lets through, so a bad address gets one message, not two.
    """
    errors = {}
    for name in field_names:
        value = getattr(instance, name)
        if not value or not isinstance(value, str):
            continue
        try:
            validate_email(value)
        except ValidationError:
            continue  # the field's own validator reports it
        if not is_email_address(value):
            errors[name] = EMAIL_MESSAGE
    return errors
