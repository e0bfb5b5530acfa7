"""Every state change of the projects app: one function, one transaction."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.concurrency import save_edited
from core.display import wan
from core.evidence import evidence_atomic, store_evidence
from core.ownership import is_supervisor
from core.reports import record_report
from notifications.events import publish, publish_together

from .choices import PIPELINE, STAGE_DATE_FIELDS, Stage, stages_reached
from .models import ProjectEvidence, ProjectUpdate


def validate_stage_change(current, new):
    """Forward along the pipeline, drop at any point, or revive a dropped project.

    Moving back (for example from under construction to negotiating) is refused:
    if a stage was recorded by mistake, the project itself is corrected instead.
    """
    if new == current or new == Stage.DROPPED or current == Stage.DROPPED:
        return
    if PIPELINE.index(new) < PIPELINE.index(current):
        raise ValidationError(
            {
                "stage": _("A project cannot go back from “%(current)s” to “%(new)s”.")
                % {"current": Stage(current).label, "new": Stage(new).label}
            }
        )


# What a project's reports decide: a plain edit may not change these once reports exist.
REPORTED_PROJECT_FIELDS = ("stage", "funds_in_place")
# What the counting rules and rankings read (docs/targets.md): once a project has reports,
# an official changes these only through a report (a stage reached dates itself, a capital
# increase raises the total), so that no department rewrites the period a project counted
# in; a supervisor may still correct them, and the project's history keeps who did.
COUNTED_PROJECT_FIELDS = ("signed_on", "started_on", "produced_on", "total_investment")


@transaction.atomic
def save_project(project, *, by=None):
    """Validate and save a project (new or changed).

    ``by`` is the user making the change (None: the system, e.g. the seed): they must
    be allowed to change the stored project and still be after the save, in this
    transaction; a project read at an older version is refused (StaleObjectError).
    """
    reported = REPORTED_PROJECT_FIELDS
    if by is not None and not is_supervisor(by):
        reported += COUNTED_PROJECT_FIELDS
    created = project.pk is None
    save_edited(
        project,
        by=by,
        reported_fields=reported,
        message=_("Once a project has status reports, record a new report to change this."),
    )
    if created:
        publish("project.created", obj=project, data=project_event(project))
    return project


def project_event(project, **changed):
    """A project event's data: what a receiver routes on; the rest is read from the API."""
    return {
        "code": project.code,
        "version": project.version,
        "department_id": project.responsible_department_id,
        "stage": project.stage,
        **changed,
    }


def funds_errors(project, *, funds_in_place, is_correction, note):
    """The rules on funds in place (docs/duplicates.md, "Funds on reports"): they are
    cumulative, so only a marked correction may lower them, and a correction says why."""
    errors = {}
    lowered = funds_in_place is not None and funds_in_place < project.funds_in_place
    if lowered and not is_correction:
        errors["funds_in_place"] = _(
            "Funds in place are cumulative and cannot be lower than the last reported "
            "%(funds)s (10,000 yuan); to correct an earlier figure, tick “correction”."
        ) % {"funds": wan(project.funds_in_place)}
    if is_correction and not (note or "").strip():
        errors["note"] = _("A correction needs a note saying what it corrects and why.")
    return errors


@evidence_atomic()
def record_project_update(
    *,
    project,
    reported_on,
    stage,
    funds_in_place,
    note="",
    is_correction=False,
    capital_increase=Decimal("0"),
    author=None,
    today=None,
    files=(),
):
    """Add a status report to a project and make it the project's current state, with its
    evidence files (checked uploads): a refused file refuses the report, and nothing stays.

    Reaching a stage for the first time dates it: a project reported under construction
    on 5 May without a start date is taken to have started on 5 May. Funds in place are
    cumulative: a lower figure is refused unless the report is a correction with a note.
    A capital increase (增资) adds to the same project's total investment before funds are
    checked against it. The author must be allowed to change the project (None: the system).
    """
    capital_increase = Decimal("0") if capital_increase is None else capital_increase
    previous = {}

    def build(project):
        return ProjectUpdate(
            project=project,
            reported_on=reported_on,
            stage=stage,
            funds_in_place=funds_in_place,
            is_correction=is_correction,
            capital_increase=capital_increase,
            note=note,
            author=author,
        )

    def apply(project):
        previous["stage"] = project.stage
        errors = funds_errors(
            project, funds_in_place=funds_in_place, is_correction=is_correction, note=note
        )
        if errors:
            raise ValidationError(errors)
        validate_stage_change(project.stage, stage)
        project.stage = stage
        project.funds_in_place = funds_in_place
        project.total_investment += capital_increase
        for reached in stages_reached(stage):
            field = STAGE_DATE_FIELDS.get(reached)
            if field and getattr(project, field) is None:
                setattr(project, field, reported_on)

    report = record_report(
        project, author=author, reported_on=reported_on, today=today, build=build, apply=apply
    )
    for upload in files:
        store_evidence(ProjectEvidence, upload, by=author, project=report.project, report=report)
    publish_report(report, previous["stage"])
    return report


def publish_report(report, previous_stage):
    """The report's events: recorded, and a stage reached when it moved one (one read of
    the city's subscriptions for both)."""
    project = report.project
    data = project_event(project, report_id=report.pk, reported_on=report.reported_on.isoformat())
    events = [("project.report_recorded", data)]
    if project.stage != previous_stage:
        events.append(
            ("project.stage_changed", project_event(project, previous_stage=previous_stage))
        )
    publish_together(events, obj=project)
