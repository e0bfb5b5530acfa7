from notifications.services import send_digests

from ._notification_command import NotificationCommand


class Command(NotificationCommand):
    help = "Send the week's digests to departments and supervisors (once each)."
    action = staticmethod(send_digests)
