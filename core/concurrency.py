"""Lost updates: a write built on an old copy of a record is refused, not silently applied.

Versioned models carry a ``version`` counted up by every save. A write path sets the
version its copy was read at (the admin's hidden field, the API's ``If-Match``); the
service locks the stored row, compares and counts on. A second guard keeps what reports
decide (a project's stage, a task's status) out of reach of a plain edit once reports
exist, so that no path leaves the current state behind the latest report.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .ownership import ensure_changeable, ensure_still_changeable


class StaleObjectError(Exception):
    """The record changed since the writer read it; ``current`` is the stored copy."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _("Someone else changed this record meanwhile (now version %(version)s).")
            % {"version": current.version}
        )


def lock_for_write(obj, *, by):
    """Lock the stored row of ``obj`` for this transaction and check who and which version.

    Returns the stored copy. Raises PermissionDenied when ``by`` may not change it, and
    StaleObjectError when ``obj`` was read at another version than the stored one.
    """
    stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    ensure_changeable(stored, by)
    if obj.version != stored.version:
        raise StaleObjectError(stored)
    return stored


def prepare_edit(obj, *, by, reported_fields, message):
    """Before saving an edit of a reported-on object: who, which version, what reports decide.

    Locks the stored row, refuses a stale copy or a user who may not change it, refuses a
    change of ``reported_fields`` once the object has reports (``message`` says to record a
    report instead), and counts the version on.
    """
    stored = lock_for_write(obj, by=by)
    if stored.updates.exists():
        errors = {
            name: message for name in reported_fields if getattr(obj, name) != getattr(stored, name)
        }
        if errors:
            raise ValidationError(errors)
    obj.version = stored.version + 1


def save_edited(obj, *, by, reported_fields, message, after_save=None):
    """Save a new or edited versioned object as ``by``, in the caller's transaction.

    An edit goes through ``prepare_edit``; ``after_save`` (e.g. many-to-many values) runs
    before the final check that the object is still one ``by`` may change.
    """
    if obj.pk is not None:
        prepare_edit(obj, by=by, reported_fields=reported_fields, message=message)
    obj.full_clean()
    obj.save()
    if after_save is not None:
        after_save()
    ensure_still_changeable(obj, by)
    return obj
