import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workdays.calendar import calendar


class NotificationCommand(BaseCommand):
    """Shared by send_reminders and send_digests: the same code as the Celery tasks."""

    action = None  # notifications.services.send_reminders or send_digests

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be sent; send nothing."
        )

    def handle(self, *args, **options):
        try:
            today = (
                datetime.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate()
            )
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        if not calendar().is_workday(today):
            self.stderr.write(
                f"{today} is a day off on China's working-day calendar: nothing is planned."
            )
        queued, delivered = type(self).action(today, dry_run=options["dry_run"])
        if options["dry_run"]:
            for kind, recipient, subject in queued:
                self.stdout.write(f"{kind}\t{recipient}\t{subject}")
            self.stdout.write(f"{len(queued)} emails would be sent (dry run: nothing sent).")
            return
        self.stdout.write(
            f"{len(queued)} emails queued for {today}; delivered: "
            + (", ".join(f"{status} {count}" for status, count in delivered.items()) or "none")
        )
