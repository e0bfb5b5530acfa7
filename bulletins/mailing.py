"""The monthly bulletin's email: on the month's first working day, to the supervisors and
the active city leaders, once each, through the dispatch log.

Beat runs the task every morning; only the first working day of a month (China's
working-day calendar: 1 October's holiday moves it to the 8th) plans anything. That day
the previous month's bulletin is built if nobody has built it yet (a supervisor's build is
kept as it is), and one email per address is queued under the key
``bulletin:<kind>:<period start>``: a second run, a second worker or a retry finds the
rows already there and queues nothing (``notifications.dispatch.queue``).

The dispatch log's channel is plain email without attachments, so the email carries the
links to the document and the annex (login required), not the files.

Each office gets its own: every city's bulletin goes to its own supervisors and city
leaders; a province's (its cities ranked one level up) is built and sent only when the
province has someone to send it to.
"""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.tenancy import acting_for
from notifications import dispatch
from notifications.models import Dispatch
from notifications.recipients import supervisor_addresses
from performance.counting import headline
from performance.periods import PeriodKind, period_of
from regions.choices import TenantKind
from regions.models import Tenant
from tracker.models import CityLeader
from workdays.calendar import is_workday, next_workday

from .content import wan, yi
from .models import Bulletin, BulletinKind
from .services import build_bulletin

# A kind of its own, so that the dispatch log's admin names these emails.
KIND = Dispatch.Kind.BULLETIN
WORTH_SENDING_DAYS = 7


def is_first_workday_of_month(day):
    return next_workday(day.replace(day=1)) == day


def in_sending_window(day):
    """A working day from the month's first working day on, for WORTH_SENDING_DAYS days:
    if beat was down that morning, the next working day's run catches up, and the
    dispatch log's keys make each email go out once however many days try."""
    first = next_workday(day.replace(day=1))
    in_window = first <= day < first + datetime.timedelta(days=WORTH_SENDING_DAYS)
    return in_window and is_workday(day)


def leader_addresses(tenant):
    """The tenant's active leaders' addresses: their own, else their login's (if active)."""
    addresses = set()
    leaders = CityLeader.objects.for_tenants([tenant]).filter(is_active=True)
    for leader in leaders.select_related("user"):
        user = leader.user
        address = leader.email or (user.email if user is not None and user.is_active else "")
        if address:
            addresses.add(address)
    return addresses


def recipients(tenant):
    """Each address once, whatever its letter case (a leader's address typed twice)."""
    unique = {}
    for address in sorted(set(supervisor_addresses(tenant)) | leader_addresses(tenant)):
        unique.setdefault(address.casefold(), address)
    return sorted(unique.values())


def monthly_bulletin(today, tenant):
    """The tenant's bulletin of last month: the one stored, else built now (by the system)."""
    period = period_of(PeriodKind.MONTH, today.replace(day=1) - datetime.timedelta(days=1))
    stored = Bulletin.objects.for_tenants([tenant])
    stored = stored.filter(kind=BulletinKind.MONTH, period_start=period.start).first()
    return stored or build_bulletin(BulletinKind.MONTH, period.end, tenant=tenant)


def email_context(bulletin):
    base = settings.SITE_BASE_URL.rstrip("/")
    return {
        "bulletin": bulletin,
        "document_url": base + reverse("bulletin_file", args=[bulletin.pk, "document"]),
        "annex_url": base + reverse("bulletin_file", args=[bulletin.pk, "annex"]),
        "site_url": base,
    }


def render(bulletin, figures):
    context = {**email_context(bulletin), **figures}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("bulletins/email/bulletin_subject.txt", context)
        text = render_to_string("bulletins/email/bulletin.txt", context)
        html = render_to_string("bulletins/email/bulletin.html", context)
    return " ".join(subject.split()), text, html


def headline_figures(bulletin):
    """The year-to-date headline told in the email (read back from the counting rules)."""
    start = bulletin.period_end.replace(month=1, day=1)
    figures = headline(start, bulletin.period_end, bulletin.tenant_id)
    return {
        "figures": figures,
        "funds_wan": wan(figures.funds_in_place),
        "funds_yi": yi(figures.funds_in_place),
        "jjj_funds_yi": yi(figures.jjj_started_funds),
    }


def plan_monthly(today, *, now=None):
    """Queue every office's monthly bulletin emails from the month's first working day
    (catching up a missed morning on the next working days), each office acting for
    itself; returns the dispatches (old and new alike), none on any other day."""
    # A day still to come (a hand-run task with a future date) has no last month to send.
    if not in_sending_window(today) or today > timezone.localdate():
        return []
    queued = []
    for tenant in Tenant.objects.order_by("code"):
        with acting_for(tenant.code):
            queued += plan_office(today, tenant)
    return queued


def plan_office(today, tenant):
    """One office's bulletin and its emails: a city's always built; a province's only when
    someone is there to read it."""
    addresses = recipients(tenant.code)
    if not addresses and tenant.kind != TenantKind.CITY:
        return []
    bulletin = monthly_bulletin(today, tenant.code)
    if not addresses:
        return []
    subject, text, html = render(bulletin, headline_figures(bulletin))
    return dispatch.queue(
        kind=KIND,
        subject_key=f"bulletin:{bulletin.kind}:{bulletin.period_start.isoformat()}",
        recipients=addresses,
        period=bulletin.period_end,
        subject=subject,
        body_text=text,
        body_html=html,
        until=today + datetime.timedelta(days=WORTH_SENDING_DAYS),
        tenant=tenant.code,
    )
