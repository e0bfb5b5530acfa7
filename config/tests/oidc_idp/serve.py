"""Start the test's identity provider: migrate its SQLite file, seed the client and the
people from the environment, then serve on 127.0.0.1:<port> (``runserver --noreload``)."""

import os
import sys

import django
from django.conf import settings
from django.core.management import call_command


def seed():
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for person in settings.IDP_USERS:
        user = User.objects.create_user(
            person["username"],
            email=person.get("email", ""),
            password=person["password"],
            first_name=person.get("name", ""),
            last_name=person.get("department") or "",
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    client = settings.IDP_CLIENT
    Application.objects.create(
        name="tracker",
        client_id=client["client_id"],
        client_secret=client["client_secret"],  # stored hashed; the tracker sends it plain
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,  # no consent page: the government's provider has none
    )


def main(port):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.tests.oidc_idp.settings")
    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    seed()
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main(sys.argv[1])
