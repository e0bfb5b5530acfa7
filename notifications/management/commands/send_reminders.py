from notifications.services import send_reminders

from ._notification_command import NotificationCommand


class Command(NotificationCommand):
    help = "Send the day's reminders and escalation-ladder emails (once each; none on a day off)."
    action = staticmethod(send_reminders)
