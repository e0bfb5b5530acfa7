"""Reports: dated, added and never edited; the latest is the current state.

The abstract model, the rule on report dates and the one way a report is recorded;
each app adds what its reports say and how they change what they report on."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
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


def record_report(record, *, author, reported_on, build, apply, today=None, update_fields=None):
    """Add a report to ``record`` (its reports are ``record.updates``) and make it the
    record's current state, in the caller's transaction; returns the saved report.

    Locks the stored record, which ``author`` must be allowed to change (None: the
    system), and checks the report's date against the latest report. ``build(record)``
    makes the unsaved report on the locked record; once the report is valid,
    ``apply(record)`` checks the app's own rules and copies the report onto the record.
    ``update_fields`` (without ``version``, which every report counts on) limits the save.
    """
    record = type(record)._default_manager.select_for_update().get(pk=record.pk)
    ensure_changeable(record, author)
    latest = record.updates.order_by("-reported_on").values_list("reported_on", flat=True).first()
    validate_report_date(reported_on, latest, today=today)
    report = build(record)
    report.full_clean()
    apply(record)
    record.version += 1
    record.full_clean()
    record.save(update_fields=None if update_fields is None else [*update_fields, "version"])
    report.save()
    return report
