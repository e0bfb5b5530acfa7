from notifications.services import send_digests

from ._notification_command import NotificationCommand


class Command(NotificationCommand):
    help = "Send the week's digests (once a week, on its first working day)."
    action = staticmethod(send_digests)
