"""The dispatch log, its endpoints and the heartbeat: what was told to whom, by which
channel, and that beat is alive.

Dispatch and Heartbeat were tracker's models until notifications became an app of its
own; they keep their tables (``db_table``), so moving them changed no data.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.long_text import LongTextField
from core.ownership import OwnedManager
from core.timestamps import Timestamped
from regions.tenancy import TenantOwned


class Channel(models.TextChoices):
    """How a dispatch goes out: one adapter each in notifications/channels/."""

    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class Endpoint(Timestamped):
    """What a webhook subscription and a group robot share: a place dispatches go to,
    paused after repeated failures (``TRACKER_ENDPOINT_PAUSE_AFTER``) until resumed."""

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(
        _("paused at"),
        null=True,
        blank=True,
        help_text=_("Set after repeated failed deliveries; nothing is sent until resumed."),
    )
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class WebhookSubscription(TenantOwned, Endpoint):
    """Another system that wants the tracker's events, POSTed as signed JSON (supervisors
    register them; reference data in the department rule)."""

    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"), default=list, help_text=_("The event types to deliver (notifications.events).")
    )
    # The HMAC key of the Standard Webhooks signature ("whsec_" + base64); stored as is,
    # since signing needs it, and never shown after creation.
    secret = models.CharField(_("secret"), max_length=80, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = OwnedManager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]


class GroupRobot(TenantOwned, Endpoint):
    """A WeCom or DingTalk group robot a department (or, without one, the supervising
    office) receives its reminders, escalations and digests in."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")

    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    department = models.ForeignKey(
        "tracker.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="robots",
        help_text=_("Empty: the supervising office's robot (city-wide summaries and digests)."),
    )
    # The robot's address holds its credential (WeCom's key, DingTalk's access_token):
    # write-only in the API, masked in lists and errors.
    webhook_url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        blank=True,
        help_text=_("DingTalk's 加签 secret (SEC…), if the robot signs; empty otherwise."),
    )
    keyword = models.CharField(
        _("keyword"),
        max_length=20,
        blank=True,
        help_text=_("DingTalk's custom keyword, if the robot requires one."),
    )
    kinds = models.JSONField(
        _("kinds"),
        default=list,
        blank=True,
        help_text=_("Which messages it receives (reminders, rungs, digests, ...); empty: all."),
    )

    objects = OwnedManager()
    owner_department_path = "department"

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["department", "name", "id"]


class Dispatch(TenantOwned):
    """One email to one recipient, recorded before it is sent: the dispatch log.

    The unique key (kind, subject, recipient, period) is what makes every email go out
    once: a re-run, a retried task or a second worker finds the row already there.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Overdue reminder")
        RUNG = "rung", _("Escalation rung")
        # The value stays: the leadership's daily summary replaced the escalation email.
        ESCALATION = "escalation", _("Leadership's daily summary")
        # Retired: the ladder's first rung replaced it; old rows keep their name.
        HEADS_UP = "heads_up", _("Deadline heads-up (before the ladder)")
        DIGEST = "digest", _("Weekly digest")
        # One-off: a department told of a step that concerns it (a problem handed to it).
        NOTICE = "notice", _("Notice of a step")
        # The monthly bulletin (通报), linked for the leadership on the first working day.
        BULLETIN = "bulletin", _("Monthly bulletin")
        # A webhook event (notifications.events): its subject_key is the event's id.
        EVENT = "event", _("Webhook event")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        SUPERSEDED = "superseded", _("Superseded by a newer email")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subject_key = models.CharField(
        _("about"), max_length=64, help_text=_("The department, item or “city” it is about.")
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    # An email address, or "webhook:<id>" / "robot:<id>" for an endpoint, so that the
    # unique key below is the "once" for every channel.
    recipient = models.CharField(_("recipient"), max_length=254)
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("webhook subscription"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    robot = models.ForeignKey(
        GroupRobot,
        verbose_name=_("group robot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    # A webhook's exact JSON body (robots keep their markdown in body_text).
    payload = models.JSONField(_("payload"), null=True, blank=True)
    period = models.DateField(
        _("period"),
        help_text=_("The day, the week's Monday, the deadline it is for, or the day of the step."),
    )
    # A rung's period is its item's deadline, not a day to send on: its last day worth
    # sending is counted from the day it was planned for (dispatch.WORTH_SENDING_DAYS).
    worth_until = models.DateField(
        _("worth sending until"),
        null=True,
        blank=True,
        help_text=_("Not sent after this day unless asked for again; empty: by its period."),
    )
    subject = models.CharField(_("subject"), max_length=255)
    # Long texts queued hundreds at a time: core.long_text says why not a plain TextField.
    body_text = LongTextField(_("text"))
    body_html = LongTextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When a supervisor asked to send it again (resend): it then goes out even if its time
    # is over. Kept apart from created_at, which records when it was first queued.
    requeued_at = models.DateTimeField(_("requeued at"), null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatch log")
        db_table = "tracker_dispatch"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "subject_key", "recipient", "period"],
                name="dispatch_once_per_key",
            ),
            models.CheckConstraint(
                condition=(
                    Q(channel="email", subscription__isnull=True, robot__isnull=True)
                    | Q(channel="webhook", subscription__isnull=False, robot__isnull=True)
                    | Q(
                        channel__in=["wecom", "dingtalk"],
                        subscription__isnull=True,
                        robot__isnull=False,
                    )
                ),
                name="dispatch_endpoint_matches_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="dispatch_due"),
            models.Index(fields=["channel", "status", "next_attempt_at"], name="dispatch_due_by"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.period})"


class Heartbeat(models.Model):
    """When a long-running process (celery beat) last showed it was alive, for /healthz."""

    process = models.CharField(_("process"), max_length=32, primary_key=True)
    beat_at = models.DateTimeField(_("last seen at"))

    class Meta:
        db_table = "tracker_heartbeat"
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.process} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
