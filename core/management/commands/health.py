from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.health import run_checks


class Command(BaseCommand):
    help = (
        "Check the database, Redis and the scheduler, as /healthz does; exits 1 when one "
        "fails (for container health checks)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="append",
            choices=list(settings.TRACKER_HEALTH_CHECKS),
            help="Only these (repeatable).",
        )

    def handle(self, *args, **options):
        healthy, results = run_checks(options["check"])
        for name, message in results.items():
            self.stdout.write(f"{name}: {message}")
        if not healthy:
            raise CommandError("unhealthy")
