from notifications.services import send_reminders

from ._notification_command import NotificationCommand


class Command(NotificationCommand):
    help = "Send the day's overdue reminders, escalations and heads-ups (once each)."
    action = staticmethod(send_reminders)
