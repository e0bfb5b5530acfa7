"""Every state change of the projects app: one function, one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.concurrency import save_edited
from core.evidence import evidence_atomic, store_evidence
from core.reports import record_report

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


@transaction.atomic
def save_project(project, *, by=None):
    """Validate and save a project (new or changed).

    ``by`` is the user making the change (None: the system, e.g. the seed): they must
    be allowed to change the stored project and still be after the save, in this
    transaction; a project read at an older version is refused (StaleObjectError).
    """
    return save_edited(
        project,
        by=by,
        reported_fields=REPORTED_PROJECT_FIELDS,
        message=_("Once a project has status reports, record a new report to change this."),
    )


@evidence_atomic()
def record_project_update(
    *, project, reported_on, stage, funds_in_place, note="", author=None, today=None, files=()
):
    """Add a status report to a project and make it the project's current state, with its
    evidence files (checked uploads): a refused file refuses the report, and nothing stays.

    Reaching a stage for the first time dates it: a project reported under
    construction on 5 May without a start date is taken to have started on 5 May.
    The author must be allowed to change the project (None: the system).
    """

    def build(project):
        return ProjectUpdate(
            project=project,
            reported_on=reported_on,
            stage=stage,
            funds_in_place=funds_in_place,
            note=note,
            author=author,
        )

    def apply(project):
        validate_stage_change(project.stage, stage)
        project.stage = stage
        project.funds_in_place = funds_in_place
        for reached in stages_reached(stage):
            field = STAGE_DATE_FIELDS.get(reached)
            if field and getattr(project, field) is None:
                setattr(project, field, reported_on)

    report = record_report(
        project, author=author, reported_on=reported_on, today=today, build=build, apply=apply
    )
    for upload in files:
        store_evidence(ProjectEvidence, upload, by=author, project=report.project, report=report)
    return report
