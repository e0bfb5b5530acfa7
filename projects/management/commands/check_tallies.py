from django.core.management.base import BaseCommand, CommandError

from projects.tallies import check
from regions.models import Tenant


class Command(BaseCommand):
    help = (
        "Recount the tallies (ProjectTally, TaskTally) from the projects and key tasks and "
        "report the cells that differ; exits 1 when any do (after --repair: when any still do)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Check one city (its GB/T 2260 code).")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Rebuild the cells from the rows when any differ (writers wait).",
        )

    def handle(self, *args, **options):
        tenant = options["tenant"]
        if tenant and not Tenant.objects.filter(code=tenant).exists():
            raise CommandError(f"There is no city {tenant!r} (a tenant's GB/T 2260 code).")
        found = check(tenant, repair=options["repair"])
        for cell, expected, stored in found[:50]:
            self.stdout.write(f"{cell}: counted {expected}, stored {stored}")
        if found and options["repair"]:
            self.stdout.write(f"{len(found)} cells differed; rebuilt.")
            found = check(options["tenant"])
        if found:
            raise CommandError(f"{len(found)} tally cells differ from the rows.")
        self.stdout.write("The tallies match the projects and the key tasks.")
