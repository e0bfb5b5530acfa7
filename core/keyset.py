"""A list's total order as a keyset: the cursor a client follows, the condition that seeks
past it, and the same order reversed (for the last pages).

A list declares its default order as a ``ListKey`` of field names, a leading "-" for
descending (integer fields only). Descending parts are read as their negation, so the whole
key runs in one direction: "after the row (y, c, i)" is then the single row comparison
``(-year, code, id) > (-y, c, i)``, which one range scan of an index on the same
expressions answers (PostgreSQL and SQLite both have row values). An order of mixed
directions would need an OR of ranges that no index serves as one.

A cursor is the last row's key as JSON, in base64url without padding: opaque to clients,
readable by whoever debugs it.
"""

import base64
import binascii
import json

from django.db.models import BooleanField, Expression, F, Func, IntegerField
from django.utils.translation import gettext as _
from rest_framework import exceptions

CURSOR_PARAM = "cursor"
BIGINT = 2**63


class Negated(Func):
    """``(-field)``: written without a parameter, so that the query's expression is the
    index's expression on either engine (a bound ``* ?`` would not match SQLite's index)."""

    template = "(-%(expressions)s)"
    output_field = IntegerField()


class RowAfter(Expression):
    """``(a, b, c) > (x, y, z)``: a row comparison, which a b-tree index on (a, b, c)
    answers with one range scan (Django's own tuple lookups expand it to ORs on SQLite)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, expressions, values):
        super().__init__()
        self.expressions = list(expressions)
        self.values = list(values)

    def get_source_expressions(self):
        return self.expressions

    def set_source_expressions(self, expressions):
        self.expressions = list(expressions)

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for expression in self.expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        placeholders = ", ".join(["%s"] * len(self.values))
        return f"({', '.join(parts)}) > ({placeholders})", [*params, *self.values]


class InvalidCursor(exceptions.ValidationError):
    def __init__(self):
        super().__init__(
            {CURSOR_PARAM: [_("Not a cursor of this list: use the next_cursor of a page.")]}
        )


class ListKey:
    """A total order over a list: ``ListKey("-year", "code", "id")``. The last part must
    make it total (the primary key)."""

    def __init__(self, *parts):
        self.parts = [(part.lstrip("-"), part.startswith("-")) for part in parts]

    def expressions(self):
        return [Negated(F(name)) if negated else F(name) for name, negated in self.parts]

    def ordering(self, reverse=False):
        return [e.desc() if reverse else e.asc() for e in self.expressions()]

    def names(self):
        return [name for name, _negated in self.parts]

    def values(self, row):
        """The key of a row (a model instance), as the cursor holds it."""
        return [row.pk if name in ("id", "pk") else getattr(row, name) for name in self.names()]

    def seek(self, queryset, values):
        """The rows after ``values`` in this order."""
        compared = [
            -value if negated else value
            for (_name, negated), value in zip(self.parts, values, strict=True)
        ]
        return queryset.filter(RowAfter(self.expressions(), compared))

    def encode(self, values):
        text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, cursor, model):
        """The key a cursor holds, checked against the fields' kinds; InvalidCursor (a 400
        naming the parameter) for anything else."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
        except (ValueError, UnicodeError, binascii.Error):
            raise InvalidCursor() from None
        if not isinstance(values, list) or len(values) != len(self.parts):
            raise InvalidCursor()
        for name, value in zip(self.names(), values, strict=True):
            field = model._meta.pk if name in ("id", "pk") else model._meta.get_field(name)
            if not fits(field, value):
                raise InvalidCursor()
        return values


def fits(field, value):
    """Whether ``value`` (from JSON) can be compared with the column without an error."""
    if field.get_internal_type().endswith(("IntegerField", "AutoField")):
        # Strictly inside the 64-bit range: a part the order negates must fit negated too.
        return type(value) is int and -BIGINT < value < BIGINT
    if not isinstance(value, str) or "\x00" in value:
        return False
    if field.max_length is not None and len(value) > field.max_length:
        return False
    try:
        value.encode()  # a lone surrogate (JSON allows "\ud800") is no text a row holds
    except UnicodeEncodeError:
        return False
    return True
