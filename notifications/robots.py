"""Group robots (WeCom, DingTalk) in the dispatch log: their rows beside each email, and
the per-minute slot a row takes before it is sent.

Where a plan queues an email to a department (a reminder, a rung, a digest, a notice),
it also queues one row per active robot of that department whose ``kinds`` take it; the
supervising office's robots (no department, of the city) get what the supervisors get:
the leadership's daily summary and the city's digest. Each city has its own robots: a
run for one city reads only that city's (``Robots(tenant)``). A robot's row has the email's kind,
subject, period and last day worth sending, and ``robot:<id>`` as its recipient, so the
dispatch log's unique key makes it "once", and a newer one supersedes it, like an email.

The platforms take 20 messages a minute per robot (and DingTalk then blocks the robot for
ten minutes). ``take_slot`` keeps each robot under ``TRACKER_ROBOT_PER_MINUTE`` across
workers: under a lock on the robot's row it counts the rows given to the platform in the
last minute, sent or still in flight, and either records this one as given (its
``claimed_at`` and ``sent_at`` become the slot's time) or answers ``Defer`` to when a
slot frees up, which costs no attempt.
"""

import datetime
import logging
import re
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.ownership import (
    can_assign,
    ensure_changeable,
    ensure_still_changeable,
    is_supervisor,
    refuse,
)
from core.tenancy import tenant_id_of
from core.validators import ONE_LINE_MESSAGE, ONE_LINE_REGEX
from regions.tenancy import default_tenant_id

from .channels.base import Defer
from .chat import chat_message, engine
from .models import Dispatch, GroupRobot

logger = logging.getLogger(__name__)

# The kinds of message a robot may take (``GroupRobot.kinds``; empty: all of them).
ROBOT_KINDS = [
    Dispatch.Kind.REMINDER,
    Dispatch.Kind.RUNG,
    Dispatch.Kind.ESCALATION,
    Dispatch.Kind.DIGEST,
    Dispatch.Kind.NOTICE,
]

WINDOW = datetime.timedelta(seconds=60)


def recipient(robot):
    return f"robot:{robot.pk}"


def title_of(template, context):
    """The email's subject, as the message's title."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
    return " ".join(subject.split())


def has_chat_template(template):
    """Whether ``template`` has its chat twin. A notice without one still goes out by
    email: a step must not fail for a robot (test_robots checks every email has one)."""
    try:
        engine().get_template(f"notifications/chat/{template}.md")
    except TemplateDoesNotExist:
        logger.error("no chat template notifications/chat/%s.md: robots not told", template)
        return False
    return True


class Robots:
    """A city's active robots, read once per run (one query), by department (None: the
    city's supervising office's). ``tenant``: default the city acted for, else the home
    city."""

    def __init__(self, tenant=None):
        self.by_department = defaultdict(list)
        robots = GroupRobot.objects.for_tenants([tenant or default_tenant_id()])
        for robot in robots.filter(is_active=True).order_by("pk"):
            self.by_department[robot.department_id].append(robot)

    def receiving(self, department_id, kind):
        return [
            robot
            for robot in self.by_department.get(department_id, ())
            if not robot.kinds or kind in robot.kinds
        ]

    def queue(
        self,
        department_id,
        *,
        kind,
        subject_key,
        period,
        template,
        context,
        until=None,
        tenant=None,
    ):
        """Queue ``template``'s chat message to the robots of ``department_id`` (None: the
        supervising office's) that take ``kind``; returns their rows, old and new alike.
        The rows are their robots' city's (``tenant`` is the email's, the same)."""
        robots = self.receiving(department_id, kind)
        if not robots or not has_chat_template(template):
            return []
        title, markdown = chat_message(template, context, title=title_of(template, context))
        return queue_rows(
            robots,
            kind=kind,
            subject_key=subject_key,
            period=period,
            title=title,
            markdown=markdown,
            until=until,
        )


def queue_rows(robots, *, kind, subject_key, period, title, markdown, until=None):
    """One row per robot, of the robot's city; queuing again is a no-op (the dispatch
    log's unique key)."""
    key = {"kind": kind, "subject_key": subject_key, "period": period}
    Dispatch.objects.bulk_create(
        [
            Dispatch(
                **key,
                tenant_id=robot.tenant_id,
                channel=robot.platform,
                robot=robot,
                recipient=recipient(robot),
                subject=title[:255],
                body_text=markdown,
                worth_until=until,
            )
            for robot in robots
        ],
        ignore_conflicts=True,
    )
    found = {
        row.recipient: row
        for row in Dispatch.objects.filter(
            **key,
            tenant_id__in={r.tenant_id for r in robots},
            recipient__in=[recipient(r) for r in robots],
        )
    }
    return [found[recipient(robot)] for robot in robots if recipient(robot) in found]


def queue_test(robot, *, now):
    """A test message to ``robot`` (the admin's action): a notice of its own, sent by the
    next delivery like any other row, so that the page never waits on the platform."""
    day = now.date()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Test message from the investment project tracker")
    title, markdown = chat_message("test", {}, title=title)
    return queue_rows(
        [robot],
        kind=Dispatch.Kind.NOTICE,
        subject_key=f"{recipient(robot)}:test:{now:%Y%m%d%H%M%S%f}",
        period=day,
        title=title,
        markdown=markdown,
    )


def given(robot_id, since, *, but):
    """When the rows given to the robot's platform since ``since`` were given, oldest
    first: sent, or in flight (``sent_at`` set while still sending). A row claimed but not
    yet given has no ``sent_at``."""
    return list(
        Dispatch.objects.filter(
            robot_id=robot_id,
            status__in=[Dispatch.Status.SENT, Dispatch.Status.SENDING],
            sent_at__isnull=False,
            claimed_at__gt=since,
        )
        .exclude(pk=but)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
    )


@transaction.atomic
def take_slot(dispatch, *, now):
    """Give ``dispatch`` one of its robot's slots of the minute ending at ``now``, or
    answer ``Defer`` to when one frees up. The robot's row is locked meanwhile, so two
    workers count one after the other."""
    list(
        GroupRobot.objects.select_for_update().filter(pk=dispatch.robot_id).order_by().values("pk")
    )
    limit = settings.TRACKER_ROBOT_PER_MINUTE
    times = given(dispatch.robot_id, now - WINDOW, but=dispatch.pk)
    if len(times) >= limit:
        until = times[len(times) - limit] + WINDOW
        return Defer(until, _("At most %(limit)d messages a minute to a robot.") % {"limit": limit})
    Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.SENDING).update(
        claimed_at=now, sent_at=now
    )
    dispatch.claimed_at = dispatch.sent_at = now
    return None


def give_back_slot(dispatch):
    """The row was not delivered: it no longer holds a slot (its ``sent_at`` cleared)."""
    Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.SENDING).update(sent_at=None)
    dispatch.sent_at = None


def host_allowed(url):
    """Whether ``url`` names one of ``TRACKER_ROBOT_HOSTS`` (any host when it is empty)."""
    allowed = {host.lower() for host in settings.TRACKER_ROBOT_HOSTS}
    parts = urlsplit(url or "")
    # requests reads "http://10.0.0.5\\@qyapi.weixin.qq.com/" as host 10.0.0.5 where urlsplit
    # sees qyapi.weixin.qq.com: refuse what the parsers disagree on (no platform address
    # has a user name or a backslash).
    if "@" in parts.netloc or "\\" in parts.netloc:
        return False
    return not allowed or (parts.hostname or "").lower() in allowed


def robot_errors(robot, stored):
    """What full_clean cannot say of a robot, by field."""
    errors = {}
    if urlsplit(robot.webhook_url or "").scheme.lower() not in ("http", "https"):
        errors["webhook_url"] = [_("Enter the robot's webhook address (http or https).")]
    elif not host_allowed(robot.webhook_url):
        hosts = ", ".join(settings.TRACKER_ROBOT_HOSTS)
        errors["webhook_url"] = [_("Robots may only be at %(hosts)s.") % {"hosts": hosts}]
    if stored is not None and stored.platform != robot.platform:
        errors["platform"] = [
            _("A robot's platform cannot change; add a new robot for the other platform.")
        ]
    if not re.fullmatch(ONE_LINE_REGEX, robot.keyword or ""):
        errors["keyword"] = [ONE_LINE_MESSAGE]
    if robot.platform == GroupRobot.Platform.WECOM:
        if robot.secret:
            errors["secret"] = [_("WeCom group robots do not sign their messages.")]
        if robot.keyword:
            errors["keyword"] = [_("WeCom group robots have no keyword.")]
    kinds = robot.kinds
    if not isinstance(kinds, list) or not all(kind in ROBOT_KINDS for kind in kinds):
        errors["kinds"] = [
            _("Choose among: %(kinds)s.") % {"kinds": ", ".join(str(k) for k in ROBOT_KINDS)}
        ]
    else:
        robot.kinds = sorted(set(kinds), key=ROBOT_KINDS.index)
    return errors


def may_place(by, robot):
    """Whether ``by`` may give ``robot`` its department: an official their own, a
    supervisor any of their city's, or none (the supervising office's robot)."""
    if by is None:
        return True
    if robot.department_id is None:
        return is_supervisor(by)
    return can_assign(by, robot.department)


def place_new(robot, by):
    """A new robot is its department's city's; the office's robot is its maker's city's
    (a superuser's: the city acted for, else the home city)."""
    if robot.department_id is not None:
        robot.tenant_id = robot.department.tenant_id
    elif by is not None and tenant_id_of(by) is not None:
        robot.tenant_id = tenant_id_of(by)


@transaction.atomic
def save_robot(robot, *, by=None):
    """Validate and save a group robot (new or changed) as ``by``: an official for their
    own department only, a supervisor for any of their city (or none: the city's
    supervising office's)."""
    stored = None
    if robot.pk is not None:
        stored = GroupRobot.objects.select_for_update().filter(pk=robot.pk).order_by("pk").first()
        if stored is not None:
            ensure_changeable(stored, by)
    if not may_place(by, robot):
        refuse(_("You may only add robots for your own department."))
    if stored is None:
        place_new(robot, by)
    errors = robot_errors(robot, stored)
    try:
        robot.full_clean()
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    robot.save()
    ensure_still_changeable(robot, by)
    return robot


def resume_robots(robots, *, by, now=None):
    """Deliver to these paused robots again (``endpoints.resume``); returns how many rows
    were requeued. Only robots ``by`` may change."""
    from .endpoints import resume  # endpoints imports emails, which imports dispatch

    allowed = GroupRobot.objects.changeable_by(by).filter(pk__in=[r.pk for r in robots])
    return sum(resume(robot, now=now) for robot in allowed)
