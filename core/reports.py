"""Reports: dated, added and never edited; the latest is the current state.

The abstract model, the rule on report dates and the one way a report is recorded;
each app adds what its reports say and how they change what they report on."""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .ownership import ensure_changeable


class Report(models.Model):
    """A dated report on something tracked. Reports are history: added, never edited;
    the latest one is the current state of what it reports on."""

    reported_on = models.DateField(gettext_lazy("reported on"))
    note = models.TextField(gettext_lazy("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_reports",
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-reported_on", "-created_at"]


def validate_report_date(reported_on, latest_reported_on, *, today=None):
    """A report is dated no later than today and no earlier than the latest one.

    History is append-only, so a back-dated report would silently become the
    "current" state while a newer one exists; a correction is a new, later entry.
    """
    today = today or timezone.localdate()
    if reported_on > today:
        raise ValidationError({"reported_on": _("A report cannot be dated in the future.")})
    if latest_reported_on is not None and reported_on < latest_reported_on:
        raise ValidationError(
            {
                "reported_on": _(
                    "A report cannot be dated before the latest one (%(date)s); "
                    "record a correction as a new report."
                )
                % {"date": latest_reported_on.isoformat()}
            }
        )


# The rows a caller may read, for the lock of a record it names by id only (the API's
# POST of a report): one locked, scoped read instead of the detail and a second lock.
_lock_scope = contextvars.ContextVar("tracker_report_lock_scope", default=None)


@contextmanager
def locking_within(queryset):
    """Inside, ``record_report`` locks its record within ``queryset`` (of the record's
    model), so that a record outside it raises the model's ``DoesNotExist``: the API
    answers 404 for what the caller may not read, as its detail does."""
    token = _lock_scope.set(queryset)
    try:
        yield
    finally:
        _lock_scope.reset(token)


def lock(record):
    """The stored row of ``record``, locked for this transaction (within the caller's
    scope, see ``locking_within``). Only the record's own row is locked: a scope that
    joins (a region's chain groups) must not lock the rows it joins."""
    scope = _lock_scope.get()
    if scope is None or scope.model is not type(record):
        scope = type(record)._default_manager.all()
    return scope.select_for_update(of=("self",)).get(pk=record.pk)


def field_values(record):
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


def changed_fields(record, before):
    return [
        field.name
        for field in record._meta.concrete_fields
        if getattr(record, field.attname) != before[field.attname]
    ]


def constraint_error(model, error):
    """The ValidationError ``full_clean`` would have raised for the database constraint
    that refused a write (``error``: the IntegrityError), or None for another failure.

    Reports are validated field by field and by the model's ``clean()``, which state the
    same rules as the check constraints; proving them again costs a query each, so the
    database is the last check and its refusal reads as the rule's own message."""
    text = str(error)
    for constraint in model._meta.constraints:
        if constraint.name not in text:
            continue
        message = constraint.get_violation_error_message()
        fields = [f for f in getattr(constraint, "fields", ()) if f != "tenant"]
        key = (
            fields[0]
            if isinstance(constraint, models.UniqueConstraint) and len(fields) == 1
            else NON_FIELD_ERRORS
        )
        return ValidationError({key: [message]})
    return None


def save_checked(instance, **options):
    """``instance.save(**options)``, a refusal by a constraint raised as its ValidationError."""
    try:
        instance.save(**options)
    except IntegrityError as error:
        refusal = constraint_error(type(instance), error)
        if refusal is None:
            raise
        raise refusal from error


def record_report(record, *, author, reported_on, build, apply, today=None, update_fields=None):
    """Add a report to ``record`` (its reports are ``record.updates``) and make it the
    record's current state, in the caller's transaction; returns the saved report.

    Locks the stored record, which ``author`` must be allowed to change (None: the
    system), and checks the report's date against the latest report. ``build(record)``
    makes the unsaved report on the locked record; once the report is valid,
    ``apply(record)`` checks the app's own rules and copies the report onto the record.
    ``update_fields`` (without ``version``, which every report counts on) limits the save;
    by default the fields ``apply`` changed are saved.

    What the lock proved is not proved again: the report's record and author exist, and
    the record's links and uniqueness did not change. The report is validated field by
    field, the record's changed fields and its ``clean()``; the check constraints are
    left to the database (``save_checked``), a refusal with the rule's own message.
    """
    record = lock(record)
    ensure_changeable(record, author)
    latest = record.updates.order_by("-reported_on").values_list("reported_on", flat=True).first()
    validate_report_date(reported_on, latest, today=today)
    report = build(record)
    known = [
        field.name
        for field in report._meta.concrete_fields
        if field.is_relation and field.related_model in (type(record), type(author))
    ]
    report.full_clean(exclude=known, validate_constraints=False)
    before = field_values(record)
    apply(record)
    changed = changed_fields(record, before)
    record.version += 1
    unchanged = [f.name for f in record._meta.concrete_fields if f.name not in changed]
    record.full_clean(exclude=unchanged, validate_unique=False, validate_constraints=False)
    if any(record._meta.get_field(name).is_relation for name in changed):
        # A report that moves a link (none does today) proves the new one's city.
        record.validate_constraints(exclude=unchanged)
    saved = changed if update_fields is None else update_fields
    save_checked(record, update_fields=[*saved, "version"])
    save_checked(report)
    return report
