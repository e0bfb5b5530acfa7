from django.core.management.base import BaseCommand, CommandError

from projects.tallies import check


class Command(BaseCommand):
    help = (
        "Recount the project tally (ProjectTally) from the projects and report the cells "
        "that differ; exits 1 when any do (after --repair: when any still do)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Check one city (its GB/T 2260 code).")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Rebuild the cells from the projects when any differ (writers wait).",
        )

    def handle(self, *args, **options):
        found = check(options["tenant"], repair=options["repair"])
        for cell, expected, stored in found[:50]:
            self.stdout.write(f"{cell}: counted {expected}, stored {stored}")
        if found and options["repair"]:
            self.stdout.write(f"{len(found)} cells differed; rebuilt.")
            found = check(options["tenant"])
        if found:
            raise CommandError(f"{len(found)} tally cells differ from the projects.")
        self.stdout.write("The project tally matches the projects.")
