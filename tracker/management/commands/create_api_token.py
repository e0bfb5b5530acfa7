from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.models import ApiToken
from tracker.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token acting as a user and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username the token acts as.")
        parser.add_argument("--name", default="command line", help="Who uses the token.")
        parser.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.READ,
            help="read (default) or read_write.",
        )

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {options['user']!r}.") from error
        _token, key = create_api_token(name=options["name"], user=user, scope=options["scope"])
        self.stdout.write(key)
