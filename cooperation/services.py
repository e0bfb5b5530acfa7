"""Every state change of the cooperation ledger: one function, one transaction.

The department rule is on the data path: an official changes (and reports on) only their
own department's items and the areas of their own department's agreements; supervisors
change everything; only supervisors keep the list of counterparts. Every write checks the
stored row before saving and the saved row after, in the same transaction, so a refused
call changes nothing (docs/cooperation.md).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import save_edited
from core.evidence import evidence_atomic, store_evidence
from core.ownership import ensure_changeable, ensure_still_changeable, is_supervisor, refuse
from core.reports import record_report
from projects.models import Project

from .choices import CooperationKind, CooperationState
from .models import AgreementArea, CooperationEvidence, CooperationItem, CooperationUpdate

# What an item's reports decide: a plain edit may not change it once reports exist.
REPORTED_ITEM_FIELDS = ("state",)
# What the statistics count by date (achieved in a period): once an item has reports, an
# official changes it only through a report; a supervisor may still correct it, and the
# item's history keeps who did (the same rule as a project's counted fields).
COUNTED_ITEM_FIELDS = ("achieved_on",)

# Where a state may go. Achieved is final: what was achieved stays counted in its period;
# a stopped item may be revived; nothing goes back from under way to planned.
STATE_MOVES = {
    CooperationState.PLANNED: set(CooperationState),
    CooperationState.IN_PROGRESS: {
        CooperationState.IN_PROGRESS,
        CooperationState.ACHIEVED,
        CooperationState.STOPPED,
    },
    CooperationState.ACHIEVED: {CooperationState.ACHIEVED},
    CooperationState.STOPPED: set(CooperationState),
}


def validate_state_change(current, new):
    if new not in STATE_MOVES[CooperationState(current)]:
        raise ValidationError(
            {
                "state": _("A cooperation item cannot go from “%(current)s” to “%(new)s”.")
                % {
                    "current": CooperationState(current).label,
                    "new": CooperationState(new).label,
                }
            }
        )


def validate_project_link(item, by):
    """A project is what one item became: it is linked to at most one item, and an official
    links only a project of their own department (a supervisor any). The project's row is
    locked, so that two items cannot take it at the same moment."""
    if item.project_id is None:
        return
    if not Project.objects.select_for_update().filter(pk=item.project_id).exists():
        return  # the foreign key's own check names it
    if by is not None and not Project.objects.changeable_by(by).filter(pk=item.project_id).exists():
        raise ValidationError(
            {"project": _("Link a project of your own department; the office links others.")}
        )
    taken = CooperationItem.objects.filter(project_id=item.project_id).exclude(pk=item.pk).first()
    if taken is not None:
        raise ValidationError(
            {
                "project": _("This project is already linked to the cooperation item %(item)s.")
                % {"item": taken.code}
            }
        )


def stored_row(item):
    """The stored (project id, kind, state) of an item, locked; Nones for a new one."""
    if item.pk is None:
        return None, None, None
    stored = CooperationItem.objects.select_for_update().filter(pk=item.pk)
    return stored.values_list("project_id", "kind", "state").first() or (None, None, None)


def validate_edit(item, kind, state):
    """What a plain edit may not do: move an agreement with areas or items under it to
    another kind (its items would lose their agreement), or move the state backwards (the
    same moves as reports: achieved is final)."""
    moved = kind == CooperationKind.AGREEMENT and item.kind != CooperationKind.AGREEMENT
    if moved and (item.areas.exists() or item.items_under.exists()):
        raise ValidationError(
            {"kind": _("This agreement has areas or items under it; it stays an agreement.")}
        )
    if state is not None and item.state != state:
        validate_state_change(state, item.state)


@transaction.atomic
def save_item(item, *, by=None, counterparts=None, landed_on=None):
    """Validate and save a cooperation item (new or changed), with its counterparts when
    given (a list of Counterpart; None leaves them as they are).

    ``by`` is the user making the change (None: the system, e.g. the seed); they must be
    allowed to change the stored item and still be after the save. A copy read at an older
    version is refused (StaleObjectError). Once the item has reports its state changes only
    through a report. Linking the item to a project for the first time lands it: an item
    not yet achieved is reported achieved on ``landed_on`` (default today).
    """
    before, kind, state = stored_row(item)
    validate_edit(item, kind, state)
    if by is not None:
        # The history names who changed the item outside a request too (commands, tasks).
        item._history_user = by
    reported = REPORTED_ITEM_FIELDS
    if by is not None and not is_supervisor(by):
        reported += COUNTED_ITEM_FIELDS

    def set_counterparts():
        # After the department check of the stored row: a stranger learns nothing here.
        if item.project_id != before:
            validate_project_link(item, by)
        if counterparts is not None:
            if any(counterpart.tenant_id != item.tenant_id for counterpart in counterparts):
                # A many-to-many link is not checked by the model's full_clean.
                raise ValidationError({"counterparts": _("This record belongs to another city.")})
            item.counterparts.set(counterparts)

    save_edited(
        item,
        by=by,
        reported_fields=reported,
        message=_("Once an item has progress reports, record a new report to change this."),
        after_save=set_counterparts,
    )
    if item.project_id is not None and item.project_id != before:
        mark_landed(item, by=by, on=landed_on)
    return item


def mark_landed(item, *, by, on=None):
    """An item that became a project is achieved: reported so, unless it already is."""
    if item.state == CooperationState.ACHIEVED:
        return
    project = Project.objects.only("code", "name").get(pk=item.project_id)
    record_cooperation_update(
        item=item,
        reported_on=on or timezone.localdate(),
        state=CooperationState.ACHIEVED,
        note=_("Landed as the project %(code)s %(name)s.")
        % {"code": project.code, "name": project.name},
        author=by,
    )
    item.refresh_from_db()


@transaction.atomic
def land_as_project(item, *, project, by=None, on=None):
    """Link ``item`` to the ``project`` it became (created by the caller through
    projects.services.save_project, or an existing one) and make it achieved on ``on``
    (default today) if it is not yet. The project reads its items through
    ``project.cooperation_items``."""
    if project is None or project.pk is None:
        raise ValidationError({"project": _("Choose the project the item became.")})
    current = CooperationItem.objects.get(pk=item.pk)
    current.project = project
    save_item(current, by=by, landed_on=on)
    return current


def apply_state(item, state, reported_on):
    """Copy a reported state onto the item; reaching a state dates it the first time."""
    validate_state_change(item.state, state)
    item.state = state
    reached = state in (CooperationState.IN_PROGRESS, CooperationState.ACHIEVED)
    if reached and item.started_on is None:
        item.started_on = reported_on
    if state == CooperationState.ACHIEVED and item.achieved_on is None:
        item.achieved_on = reported_on


@evidence_atomic()
def record_cooperation_update(
    *, item, reported_on, state, note="", author=None, today=None, files=()
):
    """Add a progress report to an item and make it the item's current state, with its
    evidence files (checked uploads): a refused file refuses the report, and nothing stays.

    Reaching "under way" or "achieved" for the first time dates the item's start, and
    "achieved" its achievement, by the report's date. The author must be allowed to change
    the item (None: the system).
    """

    def build(item):
        return CooperationUpdate(
            item=item, reported_on=reported_on, state=state, note=note, author=author
        )

    def apply(item):
        apply_state(item, state, reported_on)

    report = record_report(
        item, author=author, reported_on=reported_on, today=today, build=build, apply=apply
    )
    for upload in files:
        store_evidence(CooperationEvidence, upload, by=author, item=report.item, report=report)
    return report


@transaction.atomic
def save_counterpart(counterpart, *, by=None):
    """Save a counterpart (reference data): supervisors only (None: the system)."""
    if by is not None and not is_supervisor(by):
        refuse(_("Only supervisors keep the list of counterparts."))
    if by is not None:
        counterpart._history_user = by
    counterpart.full_clean()
    counterpart.save()
    return counterpart


def lock_agreement(agreement_id, by):
    agreement = CooperationItem.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise ValidationError({"agreement": _("Choose the agreement the area belongs to.")})
    ensure_changeable(agreement, by)
    return agreement


@transaction.atomic
def save_area(area, *, by=None):
    """Save a cooperation area of an agreement, as the agreement's department (or a
    supervisor): an area never moves to another department's agreement."""
    if area.pk is not None:
        stored = AgreementArea.objects.select_for_update().get(pk=area.pk)
        lock_agreement(stored.agreement_id, by)
    lock_agreement(area.agreement_id, by)
    area.full_clean()
    area.save()
    ensure_still_changeable(area, by)
    return area


@transaction.atomic
def delete_area(area, *, by=None):
    """Delete an area of an agreement; refused while items are filed under it."""
    stored = AgreementArea.objects.select_for_update().get(pk=area.pk)
    lock_agreement(stored.agreement_id, by)
    try:
        stored.delete()
    except ProtectedError:
        raise ValidationError(
            _("Items are filed under the area “%(area)s”; move them first.") % {"area": stored}
        ) from None
