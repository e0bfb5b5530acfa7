"""Every change of the performance app: one function, one transaction.

Annual targets are reference data of the leading group office: supervisors set them
(in the admin, by Excel import or over the API), everyone signed in reads them. The rule
is on the data path: ``Target.objects.changeable_by(user)`` holds nothing for an official,
and these services refuse anyone who may not change the stored row (``by=None``: the
system, e.g. the demo seed).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.ownership import ensure_changeable, ensure_still_changeable, is_supervisor, refuse
from core.validators import one_line_errors
from regions.choices import COUNTY_LEVELS, DivisionLevel, TenantKind
from regions.models import Division, Tenant

from .models import Target


def refuse_unless_supervisor(by):
    if by is not None and not is_supervisor(by):
        refuse(_("Only supervisors may set annual targets."))


def division_error(target, division):
    """A city's targets are its counties' (county-level divisions under the city); a
    province's are its cities' (cities are ranked like counties one level up). A target
    for any other division would never be ranked."""
    tenant = Tenant.objects.filter(code=target.tenant_id).first()
    if tenant is not None and tenant.kind == TenantKind.PROVINCE:
        city = division.level == DivisionLevel.PREFECTURE_CITY
        if not city or division.parent is None or division.parent.code != tenant.code:
            return _("Choose a city of the province.")
        return None
    if division.level not in COUNTY_LEVELS:
        return _("Choose a county, district or county-level zone.")
    area = Division.objects.filter(code=target.tenant_id).first() if target.tenant_id else None
    if area is not None and not Division.objects.within(area).filter(pk=division.pk).exists():
        return _("Choose a county, district or zone of your own city.")
    return None


def target_errors(target):
    """What the model's own checks leave to us: the note on one line, and a division the
    city's (or province's) rankings count (``division_error``)."""
    errors = one_line_errors(target, "note")
    division = target.division if target.division_id else None
    if division is not None and (error := division_error(target, division)):
        errors["division"] = error
    # The unique constraints, checked here to name the field (the model's check would
    # give a message for the whole form); the database enforces them all the same. They
    # hold per city (tenant).
    same_year = (
        Target.objects.for_tenants([target.tenant_id])
        .filter(year=target.year)
        .exclude(pk=target.pk)
    )
    if target.division_id and same_year.filter(division_id=target.division_id).exists():
        errors.setdefault("division", _("This county already has targets for this year."))
    if target.department_id and same_year.filter(department_id=target.department_id).exists():
        errors.setdefault("department", _("This department already has targets for this year."))
    return errors


@transaction.atomic
def save_target(target, *, by=None):
    """Validate and save an annual target (new or changed) as ``by``.

    ``by`` must be a supervisor, for the stored row (locked here) and after the save, in
    this transaction; a failed call changes nothing.
    """
    refuse_unless_supervisor(by)
    if target.pk is not None:
        # Without the default ordering: it joins the unit's tables, which PostgreSQL
        # cannot lock on the nullable side of an outer join.
        stored = Target.objects.select_for_update().filter(pk=target.pk).order_by("pk").first()
        if stored is not None:
            ensure_changeable(stored, by)
    errors = target_errors(target)
    try:
        target.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        # Another save of the same unit and year won the race since target_errors looked.
        field = "division" if target.division_id else "department"
        raise ValidationError({field: _("This unit already has targets for this year.")}) from error
    ensure_still_changeable(target, by)
    return target


@transaction.atomic
def delete_targets(targets, *, by=None):
    """Delete the given targets (a queryset) as ``by``: all of them or none."""
    refuse_unless_supervisor(by)
    if by is not None and targets.count() != targets.changeable_by(by).count():
        refuse(_("Only supervisors may set annual targets."))
    count, _by_model = targets.delete()
    return count
