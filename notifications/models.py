"""The dispatch log and the heartbeat: what was told to whom, and that beat is alive.

Both were tracker's models until notifications became an app of its own; they keep
their tables (``db_table``), so moving them changed no data.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.ownership import OwnedManager


class Dispatch(models.Model):
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
    recipient = models.EmailField(_("recipient"))
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
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
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
        verbose_name = _("email dispatch")
        verbose_name_plural = _("email dispatch log")
        db_table = "tracker_dispatch"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "recipient", "period"],
                name="dispatch_once_per_key",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="dispatch_due")]

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
