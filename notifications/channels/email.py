"""Email over SMTP, the first channel."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

logger = logging.getLogger(__name__)


def is_outage(error):
    """Whether ``error`` says the mail server is unreachable (refused, timed out, gone),
    rather than that it refused this one message (a bad address, a 5xx for this mail)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return isinstance(error, smtplib.SMTPConnectError) or error.smtp_code == 421
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(error, OSError)


class EmailChannel:
    """Email over SMTP: one connection serves a whole delivery run (a new one per email
    costs more than the email), opened at the first send, so that a run with nothing to
    send does not connect; it is reopened after a failed send.

    A channel opens, sends one claimed dispatch (returning the error, or None) and
    closes; ``is_outage`` tells a server that is down from a refused message.
    Every socket operation waits at most ``EMAIL_TIMEOUT`` seconds.
    """

    name = "email"

    def __init__(self):
        self.connection = get_connection()
        self.where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        self.error = None  # why the connection could not be opened
        self.opened = False

    def open(self):
        self.connection.close()
        self.opened = True
        try:
            self.connection.open()
            self.error = None
        except Exception as error:  # recorded on the dispatches it could not send
            logger.warning("could not connect to the mail server %s: %s", self.where, error)
            self.error = error

    def send(self, dispatch):
        if not self.opened:
            self.open()
        if self.error is not None:
            return self.error
        message = EmailMultiAlternatives(
            subject=dispatch.subject,
            body=dispatch.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[dispatch.recipient],
            connection=self.connection,
            headers={"X-Tracker-Dispatch": str(dispatch.pk)},
        )
        if dispatch.body_html:
            message.attach_alternative(dispatch.body_html, "text/html")
        try:
            message.send()
        except Exception as error:  # SMTP down, address refused, ...: kept and retried
            return error
        return None

    def is_outage(self, error):
        return self.error is not None or is_outage(error)

    def describe(self, error):
        return f"{type(error).__name__}: {error} (mail server {self.where})"

    def close(self):
        self.connection.close()
