"""Building a bulletin: the one state change of this app (docs/bulletins.md).

``build_bulletin`` gathers the period's content from the history, writes the document and
its annex, stores both and records them on the period's one Bulletin row, in one
transaction. Files are named by the period and the first characters of their SHA-256: a
rebuild of an unchanged period finds its files already stored under the same names, and a
changed one stores new files and deletes the old ones once the row points at the new ones
(after the commit), so that no row ever points at a missing file.

A bulletin is one tenant's (a city's, or a province's one level up): a supervisor builds
their own office's; the system (the command, the monthly task) builds for the tenant it
acts for. Files of a tenant other than the home city carry its code in their names.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.ownership import is_supervisor, official_of
from core.tenancy import reach_of, tenant_id_of
from core.validators import FIRST_YEAR, LAST_YEAR
from performance.counting import tenant_code
from performance.periods import period_of
from tracker.choices import OfficialReach

from .annex import xlsx_annex
from .document import docx_bytes
from .gather import gather_content
from .models import Bulletin, BulletinKind, bulletin_path

SHORT_HASH = 12


def builder_tenant(by, tenant):
    """The tenant whose bulletin is built: the one asked for (the system's, by default the
    acting one), else the supervisor's own; a supervisor builds only their own office's."""
    if by is None or reach_of(by).everything:
        return tenant_code(tenant)
    official = official_of(by)
    if official is not None and official.reach == OfficialReach.REGION:
        raise PermissionDenied(_("A regional working group builds no bulletins."))
    own = tenant_id_of(by)
    if own is None or (tenant is not None and tenant_code(tenant) != own):
        raise PermissionDenied(_("Supervisors build their own office's bulletins only."))
    return own


def check_request(kind, day, by):
    """Refuse, field by field, what cannot be built; and anyone but a supervisor."""
    if by is not None and not is_supervisor(by):
        raise PermissionDenied(_("Only supervisors build bulletins."))
    if kind not in BulletinKind.values:
        raise ValidationError({"kind": _("Choose a weekly or a monthly bulletin.")})
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise ValidationError({"date": _("Enter a date.")})
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            {
                "date": _("Enter a date from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    period = period_of(kind, day)
    if period.end >= timezone.localdate():
        raise ValidationError(
            {
                "date": _(
                    "This period ends on %(end)s: its bulletin can be built from the day after."
                )
                % {"end": period.end.isoformat()}
            }
        )
    return period


def file_name(kind, start, suffix, data, tenant=None):
    """bulletin-month-2023-12-<hash>.docx, bulletin-week-2023-W52-<hash>-annex.xlsx; another
    tenant than the home city's: bulletin-131000-month-2023-12-<hash>.docx."""
    if kind == BulletinKind.WEEK:
        year, week, _weekday = start.isocalendar()
        label = f"{year}-W{week:02d}"
    else:
        label = f"{start:%Y-%m}"
    digest = hashlib.sha256(data).hexdigest()[:SHORT_HASH]
    # Two offices' files of one period share a folder: never one name for both.
    office = "" if tenant in (None, settings.TRACKER_CITY_CODE) else f"{tenant}-"
    return f"bulletin-{office}{kind}-{label}-{digest}{suffix}"


def store(bulletin, name, data):
    """The stored name of ``data`` under ``name`` (kept as it is when already stored)."""
    path = bulletin_path(bulletin, name)
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(data))
    return path


def locked_bulletin(kind, start, tenant):
    """The tenant's row of the period, locked; created (unsaved fields filled later) when
    missing."""
    rows = Bulletin.objects.for_tenants([tenant]).select_for_update()
    try:
        with transaction.atomic():
            return rows.get_or_create(
                kind=kind,
                period_start=start,
                defaults={"tenant_id": tenant, "period_end": start, "built_at": timezone.now()},
            )[0]
    except IntegrityError:
        # Another build of the same period created it first: wait for its lock.
        return rows.get(kind=kind, period_start=start)


def build_bulletin(kind, day, *, by=None, tenant=None):
    """Build (or rebuild) the ``kind`` bulletin of the period containing ``day``.

    ``by``: the supervisor asking (None: the system: the command, the monthly task).
    ``tenant``: whose bulletin (default: the supervisor's own office, for the system the
    acting tenant, else the home city). Raises ValidationError (by field) for a kind or
    date that cannot be built, and PermissionDenied for anyone but a supervisor of the
    tenant. Returns the saved Bulletin.
    """
    period = check_request(kind, day, by)
    tenant = builder_tenant(by, tenant)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        content = gather_content(kind, period.end, tenant)
        document, annex = docx_bytes(content), xlsx_annex(content)
        bulletin = locked_bulletin(kind, period.start, tenant)
        old_files = {bulletin.document.name, bulletin.annex.name} - {""}
        bulletin.period_end = period.end
        bulletin.number, bulletin.title = content.number, content.title[:200]
        name = file_name(kind, period.start, ".docx", document, tenant)
        bulletin.document.name = store(bulletin, name, document)
        name = file_name(kind, period.start, "-annex.xlsx", annex, tenant)
        bulletin.annex.name = store(bulletin, name, annex)
        bulletin.document_sha256 = hashlib.sha256(document).hexdigest()
        bulletin.annex_sha256 = hashlib.sha256(annex).hexdigest()
        bulletin.built_at, bulletin.built_by = timezone.now(), by
        bulletin.full_clean()
        bulletin.save()
        stale = old_files - {bulletin.document.name, bulletin.annex.name}
        transaction.on_commit(lambda: delete_files(stale))
    return bulletin


def delete_files(names):
    for name in names:
        default_storage.delete(name)
